import { callResult, drawLatencyMs } from './connector-simulator';
import { Connector, DEFAULT_PROFILE } from './connector.model';

function connector(overrides: Partial<Connector> = {}): Connector {
  return {
    id: 'x_sim', methods: ['card'], currencies: null, countries: null, custom: true, enabled: true,
    profile: DEFAULT_PROFILE, outage: null, circuit: { state: 'closed', forced: false, openedAt: null },
    createdAt: null, updatedAt: null, ...overrides,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) * p)];
}

describe('connector simulator', () => {
  it('draws log-normal latency with the configured p50 and p99', () => {
    const draws = Array.from({ length: 20_000 }, () => drawLatencyMs({ p50: 100, p99: 800 }));
    expect(percentile(draws, 0.5)).toBeGreaterThan(90);
    expect(percentile(draws, 0.5)).toBeLessThan(110);
    expect(percentile(draws, 0.99)).toBeGreaterThan(650);
    expect(percentile(draws, 0.99)).toBeLessThan(1000);
  });

  it('has no latency by default and a constant one when p99 = p50', () => {
    expect(drawLatencyMs({ p50: 0, p99: 0 })).toBe(0);
    expect(new Set(Array.from({ length: 50 }, () => drawLatencyMs({ p50: 40, p99: 40 })))).toEqual(new Set([40]));
  });

  const now = new Date('2026-12-01T00:00:00Z');

  it('fails technically during an outage, before the card decides', () => {
    const down = connector({ outage: { until: new Date(now.getTime() + 1000), mode: 'http_5xx' } });
    expect(callResult(down, 'card_declined', now)).toEqual({ status: 'failed', error: 'http_5xx' });
    const over = connector({ outage: { until: now, mode: 'http_5xx' } });
    expect(callResult(over, 'success', now)).toEqual({ status: 'succeeded', error: null });
  });

  it('applies the technical error rate, then the business outcome, then the decline rate', () => {
    const flaky = connector({ profile: { ...DEFAULT_PROFILE, technical_error_rate: 0.5, technical_error: 'connection_reset', decline_rate: 0.5 } });
    expect(callResult(flaky, 'success', now, () => 0.1)).toEqual({ status: 'failed', error: 'connection_reset' });
    expect(callResult(flaky, 'insufficient_funds', now, () => 0.9)).toEqual({ status: 'declined', error: 'insufficient_funds' });
    expect(callResult(flaky, 'success', now, sequence([0.9, 0.1]))).toEqual({ status: 'declined', error: 'card_declined' });
    expect(callResult(flaky, 'success', now, () => 0.9)).toEqual({ status: 'succeeded', error: null });
  });
});

function sequence(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}
