import { api, countEvents, createMerchant, settledEventCount, waitUntil } from '../api';
import { Options } from '../options';
import { BenchReceiver } from '../receiver';
import { Sandbox } from '../sandbox';
import { SseClients } from '../sse-clients';

/** What every scenario gets: the options, the sandbox under test, the webhook receiver. */
export interface BenchContext {
  options: Options;
  base: string;
  /** Set when the bench started the sandbox (--spawn, --embedded). */
  sandbox: Sandbox | undefined;
  receiver: BenchReceiver;
  hookUrl: string;
}

export interface WebhookStats {
  expected: number;
  received: number;
  unique: number;
  duplicates: number;
  lag_p50_ms: number | null;
  lag_p99_ms: number | null;
  lag_max_ms: number | null;
  lost: number;
}

export interface SseStats {
  clients: number;
  received_min: number;
  received_max: number;
}

/**
 * One measurement window: a fresh merchant (exact event counts) with one `*` endpoint to the
 * receiver, optional setup, a warm-up payment whose webhooks are drained before the window
 * opens, and the --sse-clients stream clients. `close` waits for the events the load produced to
 * be delivered (at most --drain seconds) and reports expected, unique, lag and lost.
 */
export class MeasurementWindow {
  private constructor(
    private readonly ctx: BenchContext,
    readonly key: string,
    readonly warmUpPaymentId: string,
    private readonly warmUpEvents: number,
    private readonly sse: SseClients | undefined,
  ) {}

  static async open(ctx: BenchContext, name: string, setup?: (key: string) => Promise<void>): Promise<MeasurementWindow> {
    const { base, receiver } = ctx;
    const key = await createMerchant(base, `bench ${name}`);
    await api(base, '/v1/webhook-endpoints', { method: 'POST', key, body: { url: ctx.hookUrl, enabled_events: ['*'] } });
    await setup?.(key);
    const payment = await api<{ id: string }>(base, '/v1/payments', { method: 'POST', key, body: { amount: 2000, currency: 'usd' } });
    // Let the warm-up payment's own events (and setup's) arrive first so they are not counted in the window.
    const warmUpEvents = await countEvents(base, key);
    receiver.reset();
    await waitUntil(() => receiver.uniqueIds.size >= warmUpEvents, ctx.options.drainSeconds);
    receiver.reset();
    const sse = ctx.options.sseClients > 0 ? await SseClients.open(base, key, ctx.options.sseClients) : undefined;
    return new MeasurementWindow(ctx, key, payment.id, warmUpEvents, sse);
  }

  /** Events produced in the window so far (no settling). */
  async eventsSoFar(): Promise<number> {
    return (await countEvents(this.ctx.base, this.key)) - this.warmUpEvents;
  }

  async close(): Promise<{ webhooks: WebhookStats; sse: SseStats }> {
    const { base, receiver, options } = this.ctx;
    const expected = (await settledEventCount(base, this.key)) - this.warmUpEvents;
    await waitUntil(() => receiver.uniqueIds.size >= expected, options.drainSeconds);
    const sseReceived = this.sse?.received() ?? { min: 0, max: 0 };
    this.sse?.close();
    return {
      webhooks: webhookStats(receiver, expected),
      sse: { clients: options.sseClients, received_min: sseReceived.min, received_max: sseReceived.max },
    };
  }
}

export function webhookStats(receiver: BenchReceiver, expected: number): WebhookStats {
  return {
    expected,
    received: receiver.received,
    unique: receiver.uniqueIds.size,
    duplicates: receiver.duplicates,
    lag_p50_ms: receiver.lagPercentile(50),
    lag_p99_ms: receiver.lagPercentile(99),
    lag_max_ms: receiver.lagMax(),
    lost: Math.max(0, expected - receiver.uniqueIds.size),
  };
}
