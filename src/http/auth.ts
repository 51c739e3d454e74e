// Bearer-token auth for mutating routes. Reads (GET/HEAD/OPTIONS) stay open so dashboards and
// Prometheus can scrape without a secret; anything that changes state needs the token when one is set.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Constant-time comparison: hash both sides so lengths match and timing reveals nothing. */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1].trim() : undefined;
}

/** Who triggered something through the API, for the execution's audit trail. */
export function callerOf(request: FastifyRequest, apiToken: string | undefined): string {
  if (apiToken && bearerToken(request)) return 'api-token';
  return request.ip;
}

export function installAuth(app: FastifyInstance, apiToken: string | undefined): void {
  if (!apiToken) return;
  app.addHook('onRequest', async (request) => {
    if (!MUTATING.has(request.method)) return;
    const presented = bearerToken(request);
    if (!presented)
      throw new AppError('UNAUTHORIZED', 'this route needs Authorization: Bearer <NEWSDESK_API_TOKEN>');
    if (!tokenMatches(presented, apiToken)) throw new AppError('UNAUTHORIZED', 'invalid API token');
  });
}
