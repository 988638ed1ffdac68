import { setTimeout as delay } from 'node:timers/promises';

/** Waits without holding anything: callers must have committed and released their connection. */
export function sleep(ms: number | undefined): Promise<void> {
  return ms && ms > 0 ? delay(ms) : Promise.resolve();
}
