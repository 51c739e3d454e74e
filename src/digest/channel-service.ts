// Delivery channels kept in the database: validated on every write, masked on every read.
import { NotFoundError, ValidationError } from '../errors.ts';
import type { DeliveryChannelRecord, DeliveryChannelsRepo } from '../store/digest-types.ts';
import { parseChannelConfig } from './delivery/channels.ts';
import { maskChannelConfig } from './delivery/mask.ts';

/** A channel as shown to people: the config with its secrets masked. */
export type ChannelView = DeliveryChannelRecord;

export interface NewChannelInput {
  name: string;
  type: string;
  config: Record<string, unknown>;
  enabled?: boolean;
  description?: string | null;
}

export interface ChannelPatchInput {
  name?: string;
  enabled?: boolean;
  description?: string | null;
  /** Merged over the stored config; a value left as shown (masked) keeps the stored secret. */
  config?: Record<string, unknown>;
}

export function maskChannel(channel: DeliveryChannelRecord): ChannelView {
  return { ...channel, config: maskChannelConfig(channel.config) };
}

/** Validate a config; problems name the body field (config.<key>). */
function validConfig(type: string, config: Record<string, unknown>): Record<string, unknown> {
  if (config.type !== undefined && config.type !== type) {
    throw new ValidationError(`config.type "${String(config.type)}" does not match type "${type}"`, {
      issues: [{ path: 'config.type', message: `must be "${type}" or left out` }],
    });
  }
  try {
    return parseChannelConfig({ ...config, type }) as Record<string, unknown>;
  } catch (err) {
    const issues = ((err as ValidationError).details as { issues?: { path: string; message: string }[] })
      ?.issues;
    if (!(err instanceof ValidationError) || !issues) throw err;
    const named = issues.map((i) => ({
      path: i.path === 'type' ? 'type' : `config.${i.path}`,
      message: i.message,
    }));
    throw new ValidationError(
      `invalid channel config: ${named.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues: named },
    );
  }
}

/** Values the client sent back exactly as we showed them (masked) stay as stored. */
function mergeConfig(
  stored: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const shown = maskChannelConfig(stored);
  const out: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (JSON.stringify(value) !== JSON.stringify(shown[key]) || !(key in stored)) out[key] = value;
  }
  return out;
}

export class ChannelService {
  readonly #repo: DeliveryChannelsRepo;

  constructor(repo: DeliveryChannelsRepo) {
    this.#repo = repo;
  }

  async list(): Promise<ChannelView[]> {
    return (await this.#repo.list()).map(maskChannel);
  }

  async get(id: string): Promise<ChannelView> {
    return maskChannel(await this.#require(id));
  }

  async create(input: NewChannelInput): Promise<ChannelView> {
    const config = validConfig(input.type, input.config);
    const created = await this.#repo.create({
      name: input.name.trim(),
      type: input.type,
      enabled: input.enabled,
      description: input.description ?? null,
      config,
    });
    return maskChannel(created);
  }

  async update(id: string, patch: ChannelPatchInput): Promise<ChannelView> {
    const stored = await this.#require(id);
    const config = patch.config
      ? validConfig(stored.type, mergeConfig(stored.config, patch.config))
      : undefined;
    const updated = await this.#repo.update(id, {
      name: patch.name?.trim(),
      enabled: patch.enabled,
      description: patch.description,
      config,
    });
    if (!updated) throw new NotFoundError('delivery channel', id);
    return maskChannel(updated);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.#repo.delete(id))) throw new NotFoundError('delivery channel', id);
  }

  /**
   * The channels to deliver through: the named ones (by name or id; disabled ones too, when named),
   * or every enabled channel. With secrets: for the delivery runner only.
   */
  async targets(names?: readonly string[]): Promise<DeliveryChannelRecord[]> {
    const all = await this.#repo.list();
    if (!names || names.length === 0) {
      const enabled = all.filter((c) => c.enabled);
      if (enabled.length === 0) {
        throw new ValidationError('no enabled delivery channel: add one under /api/channels', {
          issues: [{ path: 'channels', message: 'no enabled delivery channel' }],
        });
      }
      return enabled;
    }
    const out: DeliveryChannelRecord[] = [];
    const unknown: string[] = [];
    for (const name of new Set(names)) {
      const found = all.find((c) => c.name === name) ?? all.find((c) => c.id === name);
      if (found) {
        if (!out.includes(found)) out.push(found);
      } else unknown.push(name);
    }
    if (unknown.length > 0) {
      throw new ValidationError(`unknown delivery channel: ${unknown.join(', ')}`, {
        issues: [{ path: 'channels', message: `unknown: ${unknown.join(', ')}` }],
      });
    }
    return out;
  }

  async #require(id: string): Promise<DeliveryChannelRecord> {
    const found = await this.#repo.get(id);
    if (!found) throw new NotFoundError('delivery channel', id);
    return found;
  }
}
