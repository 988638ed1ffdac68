import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_CHARS = 16;

export const ID_PREFIXES = {
  merchant: 'mer',
  apiKey: 'key',
  payment: 'pay',
  refund: 're',
  event: 'evt',
  webhookEndpoint: 'we',
  webhookDelivery: 'whd',
  request: 'req',
  attempt: 'att',
  auditLog: 'aud',
  simulationScenario: 'scn',
  simulatedFault: 'sfl',
  riskRule: 'rr',
  review: 'rv',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

function randomDigits(): number[] {
  return Array.from(randomBytes(RANDOM_CHARS), (byte) => byte & 31);
}

/** Adds one to a base-32 digit array; ids minted in the same millisecond stay ordered. */
function increment(digits: number[]): number[] {
  const next = [...digits];
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] < 31) {
      next[i]++;
      return next;
    }
    next[i] = 0;
  }
  return randomDigits();
}

let lastTime = 0;
let lastRandom = randomDigits();

/** Prefixed, random, time-ordered id (monotonic ULID layout: 10 time chars + 16 random chars). */
export function newId(kind: IdKind): string {
  const now = Date.now();
  if (now <= lastTime) {
    lastRandom = increment(lastRandom);
  } else {
    lastTime = now;
    lastRandom = randomDigits();
  }
  const random = lastRandom.map((digit) => CROCKFORD[digit]).join('');
  return `${ID_PREFIXES[kind]}_${encodeTime(lastTime)}${random}`;
}
