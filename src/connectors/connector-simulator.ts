import { Connector, ConnectorProfile, TechnicalError } from './connector.model';

/**
 * What happens inside a simulated connector. Latency is log-normal, fitted to the profile:
 * ln(latency) ~ Normal(mu, sigma) with mu = ln(p50) (the median) and sigma = ln(p99 / p50) / z99,
 * z99 = 2.3263 (the standard normal's 99th percentile), so the draws have exactly the configured
 * median and 99th percentile. p50 = 0 means no latency; p99 = p50 a constant delay.
 */
const Z99 = 2.3263478740408408;
/** No single draw waits longer than this, whatever the tail. */
export const MAX_LATENCY_MS = 60_000;

export type Random = () => number;

/** A standard normal draw (Box-Muller). */
function standardNormal(random: Random): number {
  const u = 1 - random(); // (0, 1]
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function drawLatencyMs(latency: ConnectorProfile['latency_ms'], random: Random = Math.random): number {
  if (latency.p50 <= 0) return 0;
  const sigma = Math.log(Math.max(latency.p99, latency.p50) / latency.p50) / Z99;
  const value = Math.exp(Math.log(latency.p50) + sigma * standardNormal(random));
  return Math.min(Math.round(value), MAX_LATENCY_MS);
}

/** The business answer the card (test card numbers, `simulate`) asks for: success or a failure code. */
export type BusinessOutcome = 'success' | string;

export type CallResult =
  | { status: 'succeeded'; error: null }
  | { status: 'declined'; error: string }
  | { status: 'failed'; error: TechnicalError };

/**
 * One call's result, given the connector and the business outcome. Technical failures come first
 * (they happen before the processor answers): an active outage, then the technical error rate.
 * Then the card's business outcome (test card / simulate) decides; a successful one may still be
 * declined at the profile's decline rate.
 */
export function callResult(connector: Connector, business: BusinessOutcome, now: Date, random: Random = Math.random): CallResult {
  if (connector.outage && connector.outage.until > now) return { status: 'failed', error: connector.outage.mode };
  const profile = connector.profile;
  if (profile.technical_error_rate > 0 && random() < profile.technical_error_rate) {
    return { status: 'failed', error: profile.technical_error };
  }
  if (business !== 'success') return { status: 'declined', error: business };
  if (profile.decline_rate > 0 && random() < profile.decline_rate) return { status: 'declined', error: 'card_declined' };
  return { status: 'succeeded', error: null };
}
