// The baseline of bench:distributed: a bare BullMQ worker with a no-op processor and no newsdesk code.
// Usage: tsx bench/distributed-raw-worker.ts <redis-url> <prefix> <queue> <concurrency>
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [url, prefix, queue, concurrency] = process.argv.slice(2);
const connection = new Redis(url, { maxRetriesPerRequest: null });
const worker = new Worker(queue, async () => null, { connection, prefix, concurrency: Number(concurrency) });
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker
    .close()
    .then(() => connection.quit())
    .finally(() => process.exit(0));
});
