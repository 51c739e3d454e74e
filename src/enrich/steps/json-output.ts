// Reading a model's JSON answer: tolerate code fences and chatter around one object, then validate with
// zod. The error text goes back to the model in the repair request, so it says what is wrong.
import { z } from 'zod';
import type { Judged } from '../llm/call-llm.ts';

function stripFences(s: string): string {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(s);
  return fenced ? fenced[1] : s;
}

/** The JSON value in a reply, or a message saying why there is none. */
export function extractJson(content: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = stripFences(content.replace(/^\uFEFF/, '')).trim();
  if (!text) return { ok: false, error: 'the reply was empty' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (first) {
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    if (start >= 0 && end > start) {
      try {
        return { ok: true, value: JSON.parse(text.slice(start, end + 1)) };
      } catch {
        // fall through to the first error, which describes the whole reply
      }
    }
    return { ok: false, error: `not valid JSON (${(first as Error).message})` };
  }
}

export function judgeJson<T>(content: string, schema: z.ZodType<T>, finishReason: string | null): Judged<T> {
  const json = extractJson(content);
  if (!json.ok) {
    const cut =
      finishReason === 'length' ? 'the reply was cut off at the token limit and is incomplete; ' : '';
    return { ok: false, error: `${cut}${json.error}` };
  }
  const parsed = schema.safeParse(json.value);
  if (!parsed.success)
    return { ok: false, error: `JSON does not match the required shape: ${z.prettifyError(parsed.error)}` };
  return { ok: true, value: parsed.data };
}
