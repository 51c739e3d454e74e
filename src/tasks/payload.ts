// Payload validation with messages that name the field.
import { ValidationError } from '../errors.ts';
import type { ResolvedTaskDefinition } from './types.ts';

export function parsePayload(def: ResolvedTaskDefinition, payload: unknown): unknown {
  const parsed = def.payload.safeParse(payload ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.join('.') || '(payload)',
      message: i.message,
    }));
    const text = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new ValidationError(`invalid payload for task ${def.name}: ${text}`, { issues });
  }
  return parsed.data;
}
