import { CircuitSnapshot, CircuitState } from './connector.model';

/**
 * Circuit breaker parameters (design-v2 §3): per (merchant, connector), opens after
 * CONSECUTIVE_FAILURES technical failures in a row, or when at least FAILURE_RATIO of at least
 * MIN_CALLS calls in the last WINDOW_MS failed technically; stays open OPEN_MS on the merchant
 * clock, then lets one probe through (half-open): success closes it, failure opens it again.
 */
export const BREAKER = Object.freeze({
  CONSECUTIVE_FAILURES: 5,
  MIN_CALLS: 10,
  FAILURE_RATIO: 0.5,
  WINDOW_MS: 30_000,
  OPEN_MS: 30_000,
  /** Wall-clock lease of the one probe in flight; a probe that never reported frees it after this. */
  PROBE_LEASE_MS: 30_000,
});

/** The breaker window as a SQL interval. */
export const WINDOW_SQL = `make_interval(secs => ${BREAKER.WINDOW_MS / 1000})`;

/** The state routing sees: an open circuit whose window has passed is half-open (a probe may go). */
export function effectiveCircuit(circuit: CircuitSnapshot, now: Date): CircuitState {
  if (circuit.state !== 'open' || circuit.forced) return circuit.state;
  const reopensAt = (circuit.openedAt?.getTime() ?? 0) + BREAKER.OPEN_MS;
  return now.getTime() >= reopensAt ? 'half_open' : 'open';
}

/** Routing's view: half-open with a probe already in flight takes no other call. */
export function routableCircuit(circuit: CircuitSnapshot & { probeLeaseUntil: Date | null }, now: Date, wallNow: Date): CircuitState {
  const state = effectiveCircuit(circuit, now);
  if (state === 'half_open' && circuit.probeLeaseUntil !== null && circuit.probeLeaseUntil > wallNow) return 'open';
  return state;
}
