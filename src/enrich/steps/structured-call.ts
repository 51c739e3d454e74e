// A call whose answer must be JSON of a given shape, with exactly one repair attempt: the unusable reply
// goes back to the model together with what was wrong with it.
import type { z } from 'zod';
import { LlmError } from '../errors.ts';
import { callLlm, type CallDeps, type CallRequest } from '../llm/call-llm.ts';
import type { UsageStep } from '../types.ts';
import { judgeJson } from './json-output.ts';
import { render, templatesOf } from './prompts.ts';

/** The bad reply is echoed back at most this long. */
const MAX_ECHO_CHARS = 6000;
/** Upper bound for the raised token limit after a reply cut off by it. */
const MAX_REPAIR_TOKENS = 8000;

export async function structuredCall<T>(
  deps: CallDeps,
  step: UsageStep,
  req: CallRequest,
  schema: z.ZodType<T>,
): Promise<T> {
  const judge = (content: string, finish: string | null) => judgeJson(content, schema, finish);
  const first = await callLlm(deps, step, req, (r) => judge(r.content, r.finishReason));
  if (first.ok) return first.value;

  const truncated = first.response.finishReason === 'length';
  const repairReq: CallRequest = {
    model: req.model,
    maxTokens: truncated ? Math.min(MAX_REPAIR_TOKENS, req.maxTokens * 2) : req.maxTokens,
    messages: [
      ...req.messages,
      { role: 'assistant', content: first.response.content.slice(0, MAX_ECHO_CHARS) },
      {
        role: 'user',
        content: render(templatesOf(deps.options).repair, {
          error: first.error,
          repairHint: truncated ? ', and shorter so that it fits' : '',
        }),
      },
    ],
  };
  const second = await callLlm(deps, step, repairReq, (r) => judge(r.content, r.finishReason), {
    repair: true,
  });
  if (second.ok) return second.value;
  throw new LlmError(
    'LLM_BAD_OUTPUT',
    `${step}: unusable model output after one repair attempt: ${second.error}`,
  );
}
