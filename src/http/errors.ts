// The one place where errors become HTTP responses: `{error: {code, message, details}}`.
// Client mistakes (bad JSON, schema violations, unknown routes) are 4xx, never 500.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, ValidationError, type ErrorCode } from '../errors.ts';

export interface FieldProblem {
  path: string;
  message: string;
  /** Where the field lives: body, querystring, params, headers. */
  in?: string;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PARSE: 422,
  UPSTREAM_TIMEOUT: 502,
  UPSTREAM_HTTP: 502,
  UNAVAILABLE: 503,
  CONFIG: 500,
  INTERNAL: 500,
};

/** Codes for client errors Fastify raises itself (body parsing, content type, size). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code as ErrorCode] ?? 500;
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Turn `{issues: [{path, message}]}` or `{field}` details from services into a field list. */
function fieldProblems(err: AppError): unknown {
  const details = err.details as { issues?: unknown; field?: unknown } | undefined;
  if (details && Array.isArray(details.issues)) return details.issues;
  if (details && typeof details.field === 'string') return [{ path: details.field, message: err.message }];
  return details;
}

function schemaProblems(err: FastifyError & { validation: unknown[] }): FieldProblem[] {
  const where = err.validationContext;
  return err.validation.map((v) => {
    const item = v as {
      instancePath?: string;
      message?: string;
      params?: { missingProperty?: string; keys?: unknown };
    };
    const segments = (item.instancePath ?? '').split('/').filter(Boolean);
    if (item.params?.missingProperty) segments.push(item.params.missingProperty);
    // zod reports unknown keys on the parent object; name the offending keys instead.
    if (Array.isArray(item.params?.keys) && item.params.keys.length)
      segments.push(item.params.keys.join(','));
    return {
      path: segments.join('.') || '(root)',
      message: item.message ?? 'invalid',
      ...(where ? { in: where } : {}),
    };
  });
}

export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (err instanceof AppError) {
    const status = statusForCode(err.code);
    return { status, body: errorBody(err.code, err.message, fieldProblems(err)), internal: status >= 500 };
  }
  const fe = err as FastifyError;
  if (hasZodFastifySchemaValidationErrors(err) || (fe && Array.isArray(fe.validation))) {
    const problems = schemaProblems(fe as FastifyError & { validation: unknown[] });
    const text = problems.map((p) => `${p.in ? `${p.in}.` : ''}${p.path}: ${p.message}`).join('; ');
    return {
      status: 400,
      body: errorBody('VALIDATION', `invalid request: ${text}`, problems),
      internal: false,
    };
  }
  if (isResponseSerializationLike(err)) {
    return { status: 500, body: errorBody('INTERNAL', 'response did not match its schema'), internal: true };
  }
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const message =
      fe instanceof SyntaxError || fe?.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
        ? `malformed JSON body: ${fe.message}`
        : fe.message;
    return { status, body: errorBody(CODE_BY_STATUS[status] ?? 'BAD_REQUEST', message), internal: false };
  }
  return { status: 500, body: errorBody('INTERNAL', 'internal error'), internal: true };
}

function isResponseSerializationLike(err: unknown): boolean {
  return (
    !!err &&
    typeof err === 'object' &&
    (err as FastifyError).code === 'FST_ERR_RESPONSE_SERIALIZATION' &&
    isResponseSerializationError(err)
  );
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, internal } = toErrorResponse(err);
    if (internal) request.log.error({ err }, 'request failed');
    else request.log.debug({ code: body.error.code, status }, body.error.message);
    if (status === 401) void reply.header('www-authenticate', 'Bearer');
    return reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(errorBody('NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}

/** Payload issues come back relative to the payload; point them at the request body's field instead. */
export function rethrowAsBodyField(field: string) {
  return (err: unknown): never => {
    const issues = (err as ValidationError).details as
      { issues?: { path: string; message: string }[] } | undefined;
    if (err instanceof ValidationError && Array.isArray(issues?.issues)) {
      const problems = issues.issues.map((i) => ({
        path: i.path === '(payload)' ? field : `${field}.${i.path}`,
        message: i.message,
        in: 'body',
      }));
      throw new ValidationError(err.message, { issues: problems });
    }
    throw err;
  };
}
