// What to do with fire times that passed while nobody was watching. Pure.

export interface MisfireInput {
  /** Fire times that are due (<= now), oldest first. */
  due: number[];
  now: number;
  graceMs: number;
  coalesce: boolean;
}

export type FireDecision =
  | { action: 'run'; scheduledFor: number; reason: string | null }
  | { action: 'skip'; scheduledFor: number; reason: string };

const ON_TIME_MS = 1000;

export function decideMisfires({ due, now, graceMs, coalesce }: MisfireInput): FireDecision[] {
  if (due.length === 0) return [];
  // Timer-driven fires are always a few ms late; a grace below one second would skip on-time fires.
  const late = (t: number) => now - t > Math.max(graceMs, ON_TIME_MS);
  const fmt = (t: number) => new Date(t).toISOString();
  if (coalesce) {
    const last = due[due.length - 1];
    const missed = due.length - 1;
    if (late(last)) {
      return [
        {
          action: 'skip',
          scheduledFor: last,
          reason: `missed ${due.length} fire(s) from ${fmt(due[0])} to ${fmt(last)}, all beyond the misfire grace of ${graceMs} ms`,
        },
      ];
    }
    return [
      {
        action: 'run',
        scheduledFor: last,
        reason:
          missed > 0
            ? `coalesced ${due.length} due fires (${fmt(due[0])} … ${fmt(last)}) into one run`
            : null,
      },
    ];
  }
  return due.map((t) =>
    late(t)
      ? {
          action: 'skip',
          scheduledFor: t,
          reason: `missed fire at ${fmt(t)}: ${now - t} ms late, beyond the misfire grace of ${graceMs} ms`,
        }
      : {
          action: 'run',
          scheduledFor: t,
          reason: now - t > 1000 ? `late fire at ${fmt(t)} (${now - t} ms), within grace` : null,
        },
  );
}
