// OpenAI-compatible provider (OpenAI, DeepSeek, vLLM, Ollama, LiteLLM, ...) over the official SDK.
// The SDK's own retries are off: retries happen in call-llm.ts, where they are visible and accounted.
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import { LlmError } from '../errors.ts';
import { estimateMessagesTokens, estimateTokens } from '../text/tokens.ts';
import { classifyLlmError } from './classify-error.ts';
import type { LlmClient, LlmRequest, LlmResponse, LlmUsage } from './types.ts';

export interface OpenAiCompatibleOptions {
  /** e.g. https://api.openai.com/v1, https://api.deepseek.com/v1, http://127.0.0.1:11434/v1 */
  baseURL: string;
  /** Servers that need none (Ollama, vLLM) still get a placeholder, as the SDK requires one. */
  apiKey?: string;
  /** Deadline per call when the request does not set one. */
  defaultTimeoutMs?: number;
  /** Newer OpenAI models want max_completion_tokens; most compatible servers only know max_tokens. */
  maxTokensParam?: 'max_tokens' | 'max_completion_tokens';
  /** Keep-alive connections to the server. */
  maxConnections?: number;
  headers?: Record<string, string>;
}

export interface OpenAiCompatibleClient extends LlmClient {
  close(): Promise<void>;
}

export function createOpenAiCompatibleClient(opts: OpenAiCompatibleOptions): OpenAiCompatibleClient {
  const defaultTimeoutMs = opts.defaultTimeoutMs ?? 60_000;
  const maxTokensParam = opts.maxTokensParam ?? 'max_tokens';
  const agent = new Agent({ connections: opts.maxConnections ?? 32, keepAliveTimeout: 10_000 });
  const sdk = new OpenAI({
    baseURL: opts.baseURL,
    apiKey: opts.apiKey || 'none',
    maxRetries: 0,
    timeout: defaultTimeoutMs,
    defaultHeaders: opts.headers,
    fetch: ((url: string, init: Record<string, unknown>) =>
      undiciFetch(url, { ...init, dispatcher: agent } as never)) as never,
  });

  async function complete(req: LlmRequest): Promise<LlmResponse> {
    const timeoutMs = req.timeoutMs ?? defaultTimeoutMs;
    if (req.signal?.aborted) throw new LlmError('LLM_ABORTED', 'call aborted before it started');
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    try {
      const body: Record<string, unknown> = { model: req.model, messages: req.messages };
      if (req.jsonMode) body.response_format = { type: 'json_object' };
      if (req.maxTokens != null) body[maxTokensParam] = req.maxTokens;
      if (req.temperature != null) body.temperature = req.temperature;
      const completion = (await sdk.chat.completions.create(body as never, {
        signal: controller.signal,
        // Our timer is the deadline; the SDK's is a backstop a little later.
        timeout: timeoutMs + 1_000,
        maxRetries: 0,
      })) as OpenAI.Chat.Completions.ChatCompletion;
      const latencyMs = performance.now() - started;
      const choice = completion.choices?.[0];
      const content = choice?.message?.content ?? '';
      return {
        content,
        usage: readUsage(completion.usage, req, content),
        latencyMs,
        model: completion.model || req.model,
        finishReason: choice?.finish_reason ?? null,
      };
    } catch (err) {
      throw classifyLlmError(err, {
        timedOut,
        aborted: req.signal?.aborted ?? false,
        timeoutMs,
        model: req.model,
      });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    complete,
    async close() {
      await agent.close();
    },
  };
}

type WireUsage = {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** DeepSeek reports its prompt cache this way. */
  prompt_cache_hit_tokens?: number;
};

function readUsage(wire: unknown, req: LlmRequest, content: string): LlmUsage {
  const u = (wire ?? undefined) as WireUsage | undefined;
  if (!u || typeof u.prompt_tokens !== 'number') {
    return {
      prompt: estimateMessagesTokens(req.messages),
      completion: estimateTokens(content),
      cached: 0,
      reasoning: 0,
      estimated: true,
    };
  }
  return {
    prompt: u.prompt_tokens,
    completion: u.completion_tokens ?? 0,
    cached: u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? 0,
    reasoning: u.completion_tokens_details?.reasoning_tokens ?? 0,
    estimated: false,
  };
}
