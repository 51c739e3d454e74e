// Config pieces shared by the channel schemas.
import { z } from 'zod';

export const httpUrl = z
  .string()
  .trim()
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:';
      } catch {
        return false;
      }
    },
    { message: 'must be an http(s) URL' },
  );

/** Per-attempt limit for one send. */
export const timeoutMs = z.number().int().min(100).max(300_000).default(15_000);
