// Delivery channels configured in the database. The config JSON holds secrets; callers mask it.
import type { Kysely, Selectable, Updateable } from 'kysely';
import type {
  DeliveryChannelPatch,
  DeliveryChannelRecord,
  DeliveryChannelsRepo,
  NewDeliveryChannel,
} from '../digest-types.ts';
import { conflictOnUnique } from '../errors.ts';
import { newId } from '../ids.ts';
import { fromJson } from '../json.ts';
import type { Database } from '../schema.ts';
import type { DeliveryChannelsTable } from '../schema-digests.ts';

function toChannel(row: Selectable<DeliveryChannelsTable>): DeliveryChannelRecord {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    enabled: row.enabled === 1,
    description: row.description,
    config: fromJson<Record<string, unknown>>(row.config) ?? {},
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class SqlDeliveryChannelsRepo implements DeliveryChannelsRepo {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async create(input: NewDeliveryChannel): Promise<DeliveryChannelRecord> {
    const now = Date.now();
    const row: Selectable<DeliveryChannelsTable> = {
      id: newId(now),
      name: input.name,
      type: input.type,
      enabled: input.enabled === false ? 0 : 1,
      description: input.description ?? null,
      config: JSON.stringify(input.config),
      created_at: now,
      updated_at: now,
    };
    await conflictOnUnique(
      () => this.#db.insertInto('delivery_channels').values(row).execute(),
      `a delivery channel named "${input.name}" already exists`,
      { field: 'name' },
    );
    return toChannel(row);
  }

  async get(id: string): Promise<DeliveryChannelRecord | undefined> {
    const row = await this.#db
      .selectFrom('delivery_channels')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toChannel(row);
  }

  async getByName(name: string): Promise<DeliveryChannelRecord | undefined> {
    const row = await this.#db
      .selectFrom('delivery_channels')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row && toChannel(row);
  }

  async list(): Promise<DeliveryChannelRecord[]> {
    const rows = await this.#db.selectFrom('delivery_channels').selectAll().orderBy('name').execute();
    return rows.map(toChannel);
  }

  async update(id: string, patch: DeliveryChannelPatch): Promise<DeliveryChannelRecord | undefined> {
    const set: Updateable<DeliveryChannelsTable> = { updated_at: Date.now() };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.type !== undefined) set.type = patch.type;
    if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.config !== undefined) set.config = JSON.stringify(patch.config);
    const row = await conflictOnUnique(
      () =>
        this.#db
          .updateTable('delivery_channels')
          .set(set)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst(),
      `a delivery channel named "${patch.name}" already exists`,
      { field: 'name' },
    );
    return row && toChannel(row);
  }

  async delete(id: string): Promise<boolean> {
    const res = await this.#db.deleteFrom('delivery_channels').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
