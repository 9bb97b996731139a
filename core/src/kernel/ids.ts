import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

let lastTime = -1;
let lastTail: number[] = [];

/** The random part: fresh for a new millisecond; within the same one, the previous plus one, so ids made in sequence sort in that sequence (as ULID's monotonic mode). */
function tailFor(time: number): number[] {
  if (time === lastTime) {
    const next = [...lastTail];
    let i = next.length - 1;
    while (i >= 0 && next[i] === 31) next[i--] = 0;
    if (i >= 0) {
      next[i]! += 1;
      lastTail = next;
      return next;
    }
  }
  const bytes = randomBytes(16);
  // the top digit starts in the lower half, so thousands of ids in one millisecond never wrap around
  lastTail = Array.from(bytes, (b, i) => (i === 0 ? b % 16 : b % 32));
  lastTime = time;
  return lastTail;
}

/**
 * A prefixed, time-ordered id (`ord_01jd…`): 48 bits of milliseconds then 80 random bits, so ids
 * sort by creation time (index locality) and a stray id says which entity it belongs to. Ids one
 * process makes within the same millisecond sort in the order they were made, so a list ordered by
 * (time, id) keeps the order things happened in.
 */
export function newId(prefix: string): string {
  const now = Date.now();
  let time = now;
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = ALPHABET[time % 32] + head;
    time = Math.floor(time / 32);
  }
  return `${prefix}_${head}${tailFor(now).map((d) => ALPHABET[d]).join('')}`;
}
