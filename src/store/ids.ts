// Time-sortable ids made in the app: 9 base36 chars of epoch ms (good until the year 3000), then 7 base36
// chars of randomness. Within one process, ids made in the same millisecond increase, so creation order is
// kept; across processes the random part keeps them unique. Because the time prefix is the creation time,
// ordering by id is ordering by (created time, id), and a time window is an id range (see idFloor).
import { randomInt } from 'node:crypto';

const TIME_CHARS = 9;
const RANDOM_CHARS = 7;
const RANDOM_SPACE = 36 ** RANDOM_CHARS;

let lastTime = -1;
let lastRandom = 0;

function timePrefix(ms: number): string {
  const t = Number.isFinite(ms) ? Math.min(Math.max(0, Math.floor(ms)), 36 ** TIME_CHARS - 1) : 0;
  return t.toString(36).padStart(TIME_CHARS, '0');
}

export function newId(now: number = Date.now()): string {
  const time = timePrefix(now);
  let random: number;
  if (now === lastTime && lastRandom + 1 < RANDOM_SPACE) {
    random = lastRandom + 1;
  } else {
    // Start in the lower half so same-millisecond increments have room.
    random = randomInt(0, RANDOM_SPACE / 2);
  }
  lastTime = now;
  lastRandom = random;
  return time + random.toString(36).padStart(RANDOM_CHARS, '0');
}

/** The smallest id newId() can make at `ms`: ids created at or after `ms` are >= it, ids before are < it. */
export function idFloor(ms: number): string {
  return timePrefix(ms);
}

/** The creation time encoded in an id made by newId(). */
export function idTime(id: string): number {
  return parseInt(id.slice(0, TIME_CHARS), 36);
}
