// Every engine the contract suite runs against (the embedded engine on both stores).
import { embeddedFactory, type EngineFactory } from './engine-harness.ts';

export const engineFactories: EngineFactory[] = [embeddedFactory, { ...embeddedFactory, name: 'embedded on postgres', storeKind: 'postgres' }];
