import { performance } from 'node:perf_hooks';
import { BacklogSampler } from '../backlog';
import { BenchClient } from '../http-client';
import { durationOf } from '../options';
import { ResultBase, SteadyResult } from '../report';
import { percentiles } from '../stats';
import { BenchContext, MeasurementWindow } from './context';

/** Arrivals beyond this many requests in flight are counted as not sent (the sandbox has stalled). */
const MAX_IN_FLIGHT = 1_000;

/**
 * `steady`: `create` at a fixed arrival rate (open model: the i-th request is due at start + i/rate
 * whether or not earlier ones have answered; its latency counts from that due time), for
 * --duration (default 30 s) at --rate (default 300/s). Reports request latency, webhook lag
 * (receipt minus the event's created_at) and the delivery backlog sampled every 250 ms.
 */
export async function runSteady(ctx: BenchContext, base: Omit<ResultBase, 'scenario' | 'timestamp' | 'ratios'>): Promise<Omit<SteadyResult, 'ratios'>> {
  const rate = ctx.options.rate;
  const duration = durationOf(ctx.options, 'steady');
  const window = await MeasurementWindow.open(ctx, 'steady');
  const client = new BenchClient(ctx.base, window.key, MAX_IN_FLIGHT);
  const sampler = new BacklogSampler(ctx.base, ctx.sandbox?.databaseUrl);
  await sampler.start();

  const offered = Math.round(rate * duration);
  const body = { amount: 2000, currency: 'usd' };
  const latencies: number[] = [];
  const replies: Promise<void>[] = [];
  let non2xx = 0;
  let errors = 0;
  let notSent = 0;
  let inFlight = 0;
  let next = 0;
  const start = performance.now();
  const dueAt = (index: number) => start + (index * 1000) / rate;
  await new Promise<void>((finished) => {
    const tick = () => {
      const now = performance.now();
      for (; next < offered && dueAt(next) <= now; next++) {
        if (inFlight >= MAX_IN_FLIGHT) {
          notSent++;
          continue;
        }
        inFlight++;
        replies.push(
          client.send('POST', '/v1/payments', body, dueAt(next)).then((reply) => {
            inFlight--;
            latencies.push(reply.ms);
            if (reply.status === 0) errors++;
            else if (reply.status < 200 || reply.status >= 300) non2xx++;
          }),
        );
      }
      if (next >= offered) finished();
      else setTimeout(tick, Math.max(0, Math.min(5, dueAt(next) - performance.now())));
    };
    tick();
  });
  await Promise.all(replies);
  const loadSeconds = (performance.now() - start) / 1000;
  const loadEndedAt = Date.now();
  const pendingAtLoadEnd = sampler.last;
  client.close();

  const { webhooks, sse } = await window.close();
  const backlog = await sampler.stop();
  const lastAt = ctx.receiver.lastAt;
  return {
    ...base,
    scenario: 'steady',
    timestamp: new Date().toISOString(),
    rate,
    duration_s: duration,
    offered,
    completed: latencies.length,
    not_sent: notSent,
    achieved_rps: Math.round(latencies.length / loadSeconds),
    latency_ms: percentiles(latencies),
    non_2xx: non2xx,
    errors,
    webhooks,
    backlog: {
      ...backlog,
      pending_at_load_end: pendingAtLoadEnd,
      drained_after_s: webhooks.lost === 0 && lastAt !== undefined ? Math.max(0, Math.round((lastAt - loadEndedAt) / 100) / 10) : null,
    },
    sse,
  };
}
