#!/usr/bin/env node
// `npx newsdesk ...`: run the TypeScript CLI through tsx's loader in this same process
// (no extra child process, so signals reach the service directly).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
