// The port every model provider implements. Kept thin so any OpenAI-compatible server fits behind it.

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmRequest {
  model: string;
  messages: LlmMessage[];
  /** Ask the server for a JSON object (response_format json_object). */
  jsonMode?: boolean;
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  /** Whole-call deadline (connect, wait, read). */
  timeoutMs?: number;
}

export interface LlmUsage {
  prompt: number;
  completion: number;
  /** Prompt tokens served from the provider's prompt cache (billed at the cached-input price). */
  cached: number;
  /** Reasoning tokens; already included in `completion` by OpenAI-style servers. */
  reasoning: number;
  /** True when the server sent no usage and the numbers are our own estimate. */
  estimated: boolean;
}

export interface LlmResponse {
  content: string;
  usage: LlmUsage;
  latencyMs: number;
  /** The model the server says answered (may differ from the one asked for). */
  model: string;
  /** 'stop', 'length' (cut by max tokens), ... or null when the server sent none. */
  finishReason: string | null;
}

export interface LlmClient {
  /** Throws LlmError with a stable code on failure; never retries by itself. */
  complete(request: LlmRequest): Promise<LlmResponse>;
  close?(): Promise<void>;
}
