// zod schemas for what each step must answer. Lenient where leniency is harmless (missing lists become
// empty, numeric strings become numbers), strict where a wrong value would mislead the digest (category
// outside the configured list, importance outside 0..1, empty summary).
import { z } from 'zod';

const MAX_LIST = 30;

const stringList = z
  .array(z.unknown())
  .nullish()
  .transform((v) => {
    const out: string[] = [];
    for (const item of v ?? []) {
      const s = typeof item === 'string' ? item.trim() : typeof item === 'number' ? String(item) : '';
      if (s && !out.includes(s)) out.push(s);
    }
    return out.slice(0, MAX_LIST);
  });

const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v && v.trim() ? v.trim() : null));

export const entitiesSchema = z.object({
  attackers: stringList,
  victims: stringList,
  loss: optionalText,
  cves: stringList,
  vulnerabilities: stringList,
  products: stringList,
  vendors: stringList,
});
export type LlmEntities = z.output<typeof entitiesSchema>;

const EMPTY_ENTITIES: z.input<typeof entitiesSchema> = {};

const requiredText = z.string().trim().min(1, 'must not be empty');

export const importanceSchema = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/)
      .transform(Number),
  ])
  .pipe(z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'));

export function categorySchema(categories: readonly string[]) {
  return z
    .string()
    .transform((s) => s.trim().replace(/^["'“”「【[]+|["'“”」】\].。]+$/g, ''))
    .refine((s) => categories.includes(s), {
      message: `must be exactly one of: ${categories.join(', ')}`,
    });
}

export interface SingleNeeds {
  title: boolean;
  importance: boolean;
}

/** `summary`: the summary's schema when one is asked for (it may check the language), else undefined. */
export function singleSchema<S extends z.ZodType<string>>(
  needs: SingleNeeds,
  categories: readonly string[],
  summary: S | undefined,
) {
  return z.object({
    title: needs.title ? requiredText : z.string().nullish(),
    summary: summary ?? z.string().nullish(),
    category: categorySchema(categories),
    importance: needs.importance ? importanceSchema : importanceSchema.nullish(),
    entities: entitiesSchema.nullish().transform((v) => v ?? entitiesSchema.parse(EMPTY_ENTITIES)),
  });
}

export const translateSchema = z.object({ title: requiredText });
export const translateBodySchema = z.object({ text: requiredText });

export function classifySchema(categories: readonly string[], withImportance: boolean) {
  return z.object({
    category: categorySchema(categories),
    importance: withImportance ? importanceSchema : importanceSchema.nullish(),
  });
}
