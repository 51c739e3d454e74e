// The stall meter the responsiveness tests rely on: a loop held by code counts in full, the time the kernel
// ran another process on this thread's CPU does not.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { longestStallDuring } from './event-loop-stall.ts';

/** This thread's CPU time in ms. */
const cpuMs = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;

/** Hold the event loop until this thread has run for `ms` of CPU time. */
function holdLoopFor(ms: number): void {
  const until = cpuMs() + ms;
  while (cpuMs() < until);
}

describe('longestStallDuring', () => {
  it('counts a loop held by code, and not a loop that yields', async () => {
    const held = await longestStallDuring(async () => holdLoopFor(150));
    expect(held.stallMs).toBeGreaterThanOrEqual(140);
    const yielding = await longestStallDuring(async () => {
      for (let i = 0; i < 30; i++) {
        holdLoopFor(2);
        await new Promise((r) => setImmediate(r));
      }
    });
    expect(yielding.stallMs).toBeLessThan(100);
  });

  it('leaves out the time another process had this thread’s CPU', async () => {
    // This thread and a busy process share CPU 0, so holding the loop for 200 ms of CPU takes ~400 ms.
    const tid = readlinkSync('/proc/thread-self').split('/').pop()!;
    const allowed = execFileSync('taskset', ['-cp', tid], { encoding: 'utf8' }).split(':').pop()!.trim();
    const hog = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
    try {
      execFileSync('taskset', ['-cp', '0', tid]);
      execFileSync('taskset', ['-cp', '0', String(hog.pid)]);
      await new Promise((r) => setTimeout(r, 100));
      const shared = await longestStallDuring(async () => holdLoopFor(200));
      expect(shared.wallStallMs).toBeGreaterThan(300);
      expect(shared.stallMs).toBeGreaterThanOrEqual(190);
      expect(shared.stallMs).toBeLessThan(280);
    } finally {
      hog.kill('SIGKILL');
      execFileSync('taskset', ['-cp', allowed, tid]);
    }
  });
});
