import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Baseline } from './baseline';
import { Scenario } from './options';
import { SseStats, WebhookStats } from './scenarios/context';
import { Percentiles } from './stats';

const ROOT = resolve(__dirname, '..');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** What the ratios compare: a throughput of the scenario against the references of the run. */
export interface Ratios {
  /** e.g. "payments/s", "req/s", "deliveries/s". */
  measure: string;
  value: number;
  /** value ÷ bare Fastify req/s. */
  vs_bare: number | null;
  /** value ÷ the pgbench mirror's tps (null: no pgbench mirror for this scenario's writes). */
  vs_pgbench: number | null;
  pgbench_script: 'create-transaction.sql' | 'deliver-transaction.sql' | null;
}

/** Fields of every result file. */
export interface ResultBase {
  scenario: Scenario;
  timestamp: string;
  /** git rev-parse HEAD, with -dirty when tracked files differ from it. */
  commit: string;
  mode: { database: 'postgres' | 'embedded' | 'external'; processes: 'one' | 'split' | 'external' };
  baseline: Baseline | null;
  ratios: Ratios | null;
}

/** create, lifecycle, read, idempotent-replay, routing, routing-split, risk-rules: the pre-issue-19 shape plus ResultBase. */
export interface ClassicResult extends ResultBase {
  connections: number;
  duration_s: number;
  requests: number;
  rps: number;
  latency_ms: { p50: number; p90: number; p99: number; max: number };
  non_2xx: number;
  errors: number;
  webhooks: WebhookStats;
  sse: SseStats;
  /** routing: payments whose first connector failed technically (payment.attempt_failed events). */
  fallbacks?: number;
}

export interface BacklogStats {
  source: string;
  every_ms: number;
  samples: number;
  failed_samples: number;
  max_pending: number | null;
}

export interface SteadyResult extends ResultBase {
  rate: number;
  duration_s: number;
  offered: number;
  completed: number;
  /** Arrivals the client could not send (more than its in-flight cap waiting). */
  not_sent: number;
  achieved_rps: number;
  /** From each request's scheduled arrival (open model: waiting to be sent counts) to its reply. */
  latency_ms: Percentiles;
  non_2xx: number;
  errors: number;
  webhooks: WebhookStats;
  backlog: BacklogStats & { pending_at_load_end: number | null; drained_after_s: number | null };
  sse: SseStats;
}

export interface DeliverResult extends ResultBase {
  preload: { payments: number; deliveries: number; seconds: number; delivered_during_preload: number };
  deliveries: { expected: number; received: number; unique: number; duplicates: number; lost: number };
  /** unique ÷ (last receipt − first receipt). */
  deliveries_per_s: number;
  first_to_last_s: number;
  /** From starting the delivering process to the last receipt (includes its start-up). */
  start_to_last_s: number;
  backlog: BacklogStats;
}

export interface MethodsResult extends ResultBase {
  connections: number;
  duration_s: number;
  flows: { upi: number; three_ds: number; total: number; not_captured: number };
  flows_per_s: number;
  steps_ms: Record<'upi_create' | 'upi_approve' | 'three_ds_create' | 'three_ds_approve', Percentiles & { count: number }>;
  non_2xx: number;
  errors: number;
  webhooks: WebhookStats;
  sse: SseStats;
}

export type Result = ClassicResult | SteadyResult | DeliverResult | MethodsResult;

export function currentCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
}

/** The ratios of `value` (a throughput in `measure`) to the references. */
export function ratios(baseline: Baseline | null, measure: string, value: number, pgbench: 'create' | 'deliver' | null): Ratios | null {
  if (!baseline) return null;
  const reference = pgbench === 'create' ? baseline.pgbench_tps : pgbench === 'deliver' ? baseline.pgbench_deliver_tps : undefined;
  const share = (of: number | undefined) => (of ? Math.round((10_000 * value) / of) / 10_000 : null);
  return {
    measure,
    value,
    vs_bare: share(baseline.bare_rps),
    vs_pgbench: share(reference),
    pgbench_script: pgbench === 'create' ? 'create-transaction.sql' : pgbench === 'deliver' ? 'deliver-transaction.sql' : null,
  };
}

export function saveResult(result: Result): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${result.scenario}-${result.timestamp.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

const pct = (share: number | null) => (share === null ? '–' : `${(100 * share).toFixed(share < 0.01 ? 2 : 1)} %`);
const ms = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${value}`);

function ratioLine(result: Result): string {
  const r = result.ratios;
  if (!r) return 'ratios: no references (no pgbench and no saved baseline)';
  const pgbench = !r.pgbench_script
    ? 'no pgbench mirror of these writes'
    : r.vs_pgbench === null
      ? `pgbench ${r.pgbench_script} not in these references`
      : `${pct(r.vs_pgbench)} of pgbench ${r.pgbench_script}`;
  return `${r.value} ${r.measure} = ${pct(r.vs_bare)} of bare Fastify, ${pgbench}`;
}

export function printReport(results: Result[], commit: string, baseline: Baseline | null): void {
  console.log(`\ncommit ${commit}`);
  if (baseline) {
    console.log(
      `references (${baseline.source ?? 'saved'}; ${baseline.connections} connections, ${baseline.duration_s} s): bare Fastify ${baseline.bare_rps} req/s; ` +
        `pgbench create ${baseline.pgbench_tps} tps; pgbench deliver ${baseline.pgbench_deliver_tps ?? '–'} tps`,
    );
  }
  const classic = results.filter((r): r is ClassicResult => 'rps' in r);
  if (classic.length > 0) {
    console.table(
      classic.map((r) => ({
        scenario: r.scenario,
        'req/s': r.rps,
        p50: r.latency_ms.p50,
        p90: r.latency_ms.p90,
        p99: r.latency_ms.p99,
        max: r.latency_ms.max,
        'non-2xx': r.non_2xx,
        events: r.webhooks.expected,
        unique: r.webhooks.unique,
        'lag p50': r.webhooks.lag_p50_ms,
        'lag p99': r.webhooks.lag_p99_ms,
        lost: r.webhooks.lost,
        'vs bare': pct(r.ratios?.vs_bare ?? null),
        'vs pgbench': pct(r.ratios?.vs_pgbench ?? null),
        ...(r.fallbacks !== undefined ? { fallbacks: r.fallbacks } : {}),
        ...(r.sse.clients > 0 ? { 'sse clients': r.sse.clients, 'sse min': r.sse.received_min } : {}),
      })),
    );
  }
  for (const r of results) {
    if ('rate' in r) {
      console.log(
        `steady ${r.rate}/s × ${r.duration_s} s: ${r.completed} of ${r.offered} sent (${r.not_sent} not sent), ${r.achieved_rps} req/s, ` +
          `request p50 ${ms(r.latency_ms.p50)} / p99 ${ms(r.latency_ms.p99)} / max ${ms(r.latency_ms.max)} ms, non-2xx ${r.non_2xx}, errors ${r.errors}\n` +
          `  webhooks ${r.webhooks.unique} of ${r.webhooks.expected} (lost ${r.webhooks.lost}, duplicates ${r.webhooks.duplicates}), ` +
          `lag p50 ${ms(r.webhooks.lag_p50_ms)} / p99 ${ms(r.webhooks.lag_p99_ms)} / max ${ms(r.webhooks.lag_max_ms)} ms; ` +
          `backlog max ${ms(r.backlog.max_pending)} pending (${r.backlog.source}, every ${r.backlog.every_ms} ms), ${ms(r.backlog.pending_at_load_end)} at load end, ` +
          `drained ${r.backlog.drained_after_s === null ? 'not within --drain' : `${r.backlog.drained_after_s} s after`}\n  ${ratioLine(r)}`,
      );
    } else if ('deliveries_per_s' in r) {
      console.log(
        `deliver: ${r.deliveries.unique} of ${r.deliveries.expected} pre-loaded deliveries (${r.preload.payments} payments in ${r.preload.seconds} s) ` +
          `in ${r.first_to_last_s} s = ${r.deliveries_per_s} deliveries/s (${r.start_to_last_s} s from process start); ` +
          `lost ${r.deliveries.lost}, duplicates ${r.deliveries.duplicates}; backlog max ${ms(r.backlog.max_pending)}\n  ${ratioLine(r)}`,
      );
    } else if ('flows_per_s' in r) {
      const step = (name: keyof MethodsResult['steps_ms']) => `${name} p50 ${ms(r.steps_ms[name].p50)} / p99 ${ms(r.steps_ms[name].p99)}`;
      console.log(
        `methods (${r.connections} connections × ${r.duration_s} s): ${r.flows.total} flows (UPI ${r.flows.upi}, 3DS ${r.flows.three_ds}) = ${r.flows_per_s} flows/s, ` +
          `not captured ${r.flows.not_captured}, non-2xx ${r.non_2xx}, errors ${r.errors}\n` +
          `  ${step('upi_create')}, ${step('upi_approve')}, ${step('three_ds_create')}, ${step('three_ds_approve')} ms\n` +
          `  webhooks ${r.webhooks.unique} of ${r.webhooks.expected} (lost ${r.webhooks.lost}), lag p50 ${ms(r.webhooks.lag_p50_ms)} / p99 ${ms(r.webhooks.lag_p99_ms)} ms\n  ${ratioLine(r)}`,
      );
    } else {
      console.log(`${r.scenario}: ${ratioLine(r)}`);
    }
  }
}

/** Deliveries a result says were lost (the bench exits non-zero on any). */
export function lostOf(result: Result): number {
  return 'deliveries' in result ? result.deliveries.lost : result.webhooks.lost;
}
