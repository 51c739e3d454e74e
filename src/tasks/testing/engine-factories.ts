// Every engine the contract suite runs against: embedded on both stores, BullMQ (Redis) on PostgreSQL.
import { bullmqFactory } from '../engines/bullmq/testing.ts';
import { embeddedFactory, type EngineFactory } from './engine-harness.ts';

export const engineFactories: EngineFactory[] = [
  embeddedFactory,
  { ...embeddedFactory, name: 'embedded on postgres', storeKind: 'postgres' },
  bullmqFactory,
];
