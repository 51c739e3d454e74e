// The model's part of enrichment, in one of two shapes:
//  - single-call: one request returns title translation, summary, category, importance and entities;
//  - per-step: translate / summary / classify (concurrently unless parallelSteps is off), then entities,
//    which depend on the category. The body translation, when enabled, is always its own request.
import { z } from 'zod';
import type { CallDeps } from '../llm/call-llm.ts';
import type { LlmMessage } from '../llm/types.ts';
import { modelFor, type EnrichOptions, type StepName } from '../options.ts';
import { detectTextLanguage, type LanguageCode } from '../text/language.ts';
import type { CutText } from '../text/truncate.ts';
import { fieldLines, languageName, render, templatesOf, type PromptTemplates } from './prompts.ts';
import {
  classifySchema,
  entitiesSchema,
  singleSchema,
  translateBodySchema,
  translateSchema,
  type LlmEntities,
} from './schemas.ts';
import { structuredCall } from './structured-call.ts';

export interface LlmStepInput {
  title: string;
  text: CutText;
  language: LanguageCode;
  needs: { title: boolean; summary: boolean; body: boolean };
}

export interface LlmStepOutput {
  titleTranslated: string | null;
  summary: string | null;
  bodyTranslated: string | null;
  category: string;
  importance: number | null;
  entities: LlmEntities;
  models: string[];
}

/**
 * Schemas are built once per options object and variant: building a zod schema (and its compiled fast
 * path on first parse) costs far more than using it.
 */
const schemaCache = new WeakMap<EnrichOptions, Map<string, z.ZodType>>();

function memoSchema<T extends z.ZodType>(options: EnrichOptions, key: string, build: () => T): T {
  let byKey = schemaCache.get(options);
  if (!byKey) schemaCache.set(options, (byKey = new Map()));
  let schema = byKey.get(key) as T | undefined;
  if (!schema) byKey.set(key, (schema = build()));
  return schema;
}

/** Scripts a detector can check reliably; for these the summary must actually be in the target language. */
const CHECKED_TARGETS = new Set(['zh', 'ja', 'ko', 'ru']);

function summaryInTarget(options: EnrichOptions) {
  const target = options.targetLanguage;
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .refine((s) => !CHECKED_TARGETS.has(target) || detectTextLanguage(s) === target, {
      message: `must be written in ${languageName(target)}`,
    });
}

function messages(t: PromptTemplates, template: string, vars: Record<string, string>): LlmMessage[] {
  return [
    { role: 'system', content: render(t.system, vars) },
    { role: 'user', content: render(template, vars) },
  ];
}

function baseVars(options: EnrichOptions, input: LlmStepInput): Record<string, string> {
  return {
    title: input.title,
    text: input.text.text,
    language: languageName(input.language),
    targetLanguage: languageName(options.targetLanguage),
    cutNote: input.text.cut ? ' (cut to fit; the marker shows where text was left out)' : '',
  };
}

function model(options: EnrichOptions, step: StepName): string {
  const m = modelFor(options, step);
  if (!m) throw new Error(`no model configured for step ${step}`);
  return m;
}

async function translateBody(deps: CallDeps, input: LlmStepInput): Promise<string | null> {
  const { options } = deps;
  if (!input.needs.body) return null;
  const t = templatesOf(options);
  const vars = { ...baseVars(options, input), fields: fieldLines(['text'], options) };
  const out = await structuredCall(
    deps,
    'translateBody',
    {
      model: model(options, 'translateBody'),
      messages: messages(t, t.translateBody, vars),
      maxTokens: options.maxOutputTokens.translateBody,
    },
    translateBodySchema,
  );
  return out.text;
}

export async function runSingleCall(deps: CallDeps, input: LlmStepInput): Promise<LlmStepOutput> {
  const { options } = deps;
  const t = templatesOf(options);
  const keys: Parameters<typeof fieldLines>[0] = [];
  if (input.needs.title) keys.push('title');
  if (input.needs.summary) keys.push('summary');
  keys.push('category');
  if (options.importance) keys.push('importance');
  keys.push('entities');
  const vars = { ...baseVars(options, input), fields: fieldLines(keys, options) };
  const schema = memoSchema(options, `single:${input.needs.title}:${input.needs.summary}`, () =>
    singleSchema(
      { title: input.needs.title, importance: options.importance },
      options.categories,
      input.needs.summary ? summaryInTarget(options) : undefined,
    ),
  );
  const m = model(options, 'single');
  const [out, body] = await Promise.all([
    structuredCall(
      deps,
      'single',
      { model: m, messages: messages(t, t.single, vars), maxTokens: options.maxOutputTokens.single },
      schema,
    ),
    translateBody(deps, input),
  ]);
  return {
    titleTranslated: input.needs.title ? (out.title ?? null) : null,
    summary: input.needs.summary ? (out.summary ?? null) : null,
    bodyTranslated: body,
    category: out.category,
    importance: out.importance ?? null,
    entities: out.entities,
    models: unique([m, ...(input.needs.body ? [model(options, 'translateBody')] : [])]),
  };
}

export async function runPerStep(deps: CallDeps, input: LlmStepInput): Promise<LlmStepOutput> {
  const { options } = deps;
  const t = templatesOf(options);
  const base = baseVars(options, input);
  const used: string[] = [];
  const stepModel = (s: StepName) => {
    const m = model(options, s);
    used.push(m);
    return m;
  };

  const translate = async () => {
    if (!input.needs.title) return null;
    const out = await structuredCall(
      deps,
      'translate',
      {
        model: stepModel('translate'),
        messages: messages(t, t.translate, { ...base, fields: fieldLines(['title'], options) }),
        maxTokens: options.maxOutputTokens.translate,
      },
      translateSchema,
    );
    return out.title;
  };
  const summarise = async () => {
    if (!input.needs.summary) return null;
    const out = await structuredCall(
      deps,
      'summary',
      {
        model: stepModel('summary'),
        messages: messages(t, t.summary, { ...base, fields: fieldLines(['summary'], options) }),
        maxTokens: options.maxOutputTokens.summary,
      },
      memoSchema(options, 'summary', () => z.object({ summary: summaryInTarget(options) })),
    );
    return out.summary;
  };
  const classify = async () => {
    const keys: Parameters<typeof fieldLines>[0] = options.importance
      ? ['category', 'importance']
      : ['category'];
    return structuredCall(
      deps,
      'classify',
      {
        model: stepModel('classify'),
        messages: messages(t, t.classify, { ...base, fields: fieldLines(keys, options) }),
        maxTokens: options.maxOutputTokens.classify,
      },
      memoSchema(options, 'classify', () => classifySchema(options.categories, options.importance)),
    );
  };
  const entities = async (category: string) => {
    const vuln = options.vulnerabilityCategories.includes(category);
    return structuredCall(
      deps,
      'entities',
      {
        model: stepModel('entities'),
        messages: messages(t, t.entities, {
          ...base,
          category,
          entityGuide: vuln
            ? 'This is a vulnerability advisory: focus on CVE ids, the flaws, affected products and vendors.'
            : 'This is an incident: focus on who attacked, who was affected and what was lost.',
          fields: fieldLines([vuln ? 'entitiesVuln' : 'entitiesIncident'], options),
        }),
        maxTokens: options.maxOutputTokens.entities,
      },
      entitiesSchema,
    );
  };

  let titleTranslated: string | null;
  let summary: string | null;
  let classified: { category: string; importance?: number | null };
  let bodyTranslated: string | null;
  if (options.parallelSteps) {
    [titleTranslated, summary, classified, bodyTranslated] = await Promise.all([
      translate(),
      summarise(),
      classify(),
      translateBody(deps, input),
    ]);
  } else {
    titleTranslated = await translate();
    summary = await summarise();
    classified = await classify();
    bodyTranslated = await translateBody(deps, input);
  }
  const ents = await entities(classified.category);
  if (input.needs.body) used.push(model(options, 'translateBody'));
  return {
    titleTranslated,
    summary,
    bodyTranslated,
    category: classified.category,
    importance: classified.importance ?? null,
    entities: ents,
    models: unique(used),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
