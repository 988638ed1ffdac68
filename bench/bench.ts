/**
 * npm run bench -- [--url http://localhost:4242 | --spawn [--split] | --embedded] [--scenarios a,b,…]
 *                  [--connections 50] [--duration 20] [--drain 30] [--sse-clients N]
 *                  [--rate 300] [--deliveries 20000] [--baseline | --no-baseline] [--baseline-duration N] [--no-save]
 *
 * Measures the sandbox the same way every time (README "Performance"):
 * - closed model (autocannon, --connections for --duration): create, lifecycle, read,
 *   idempotent-replay, routing (3 connectors, 10 % technical failures on the first → fallback),
 *   routing-split (the pre-issue-19 routing: rules + a 50/50 split), risk-rules — bench/scenarios/classic.ts;
 * - steady: create at a fixed arrival rate (open model), webhook lag and delivery backlog — scenarios/steady.ts;
 * - methods: UPI and 3-D Secure flows with customer-action — scenarios/methods.ts;
 * - deliver: a pre-loaded backlog of due deliveries, deliveries/s — scenarios/deliver.ts (needs --spawn/--embedded).
 * Every scenario checks webhook delivery to a local receiver (lag; lost = expected − unique received).
 * --sse-clients N keeps N Server-Sent-Events clients on the merchant's stream during each window.
 * Each report gives the ratio to a bare Fastify route and to pgbench running the same writes
 * (bench/baseline.ts, measured in this run when pgbench is on PATH, else the newest saved baseline)
 * and the commit measured. Writes bench/results/<scenario>-<timestamp>.json (not with --no-save).
 */
import { Baseline, measureBaseline, pgbenchAvailable, saveBaseline, savedBaseline } from './baseline';
import { Options, readOptions, Scenario } from './options';
import { BenchReceiver } from './receiver';
import { currentCommit, lostOf, printReport, ratios, Result, ResultBase, saveResult } from './report';
import { Sandbox } from './sandbox';
import { isClassic, runClassic, throughputOf } from './scenarios/classic';
import { BenchContext } from './scenarios/context';
import { runDeliver } from './scenarios/deliver';
import { runMethods } from './scenarios/methods';
import { runSteady } from './scenarios/steady';

async function references(options: Options): Promise<Baseline | null> {
  const measure = options.baseline === 'measure' || (options.baseline === 'auto' && pgbenchAvailable());
  if (!measure) return savedBaseline() ?? null;
  if (!pgbenchAvailable()) throw new Error('--baseline needs pgbench on PATH');
  const duration = options.baselineDuration ?? options.duration ?? 20;
  console.log(`measuring the references (bare Fastify, pgbench create and deliver mirrors): ${options.connections} connections, ${duration} s each`);
  const baseline = await measureBaseline(options.connections, duration, options.adminDatabaseUrl);
  if (options.save) saveBaseline(baseline);
  return baseline;
}

async function runScenario(scenario: Scenario, ctx: BenchContext, common: Omit<ResultBase, 'scenario' | 'timestamp' | 'ratios'>): Promise<Result> {
  if (isClassic(scenario)) {
    const result = await runClassic(scenario, ctx, common);
    const throughput = throughputOf(scenario, result.rps);
    return { ...result, ratios: ratios(common.baseline, throughput.measure, throughput.value, throughput.pgbench) };
  }
  switch (scenario) {
    case 'steady': {
      const result = await runSteady(ctx, common);
      return { ...result, ratios: ratios(common.baseline, 'payments/s (the fixed rate achieved)', result.achieved_rps, 'create') };
    }
    case 'methods': {
      const result = await runMethods(ctx, common);
      return { ...result, ratios: ratios(common.baseline, 'flows/s (pgbench: a card create)', result.flows_per_s, 'create') };
    }
    case 'deliver': {
      const result = await runDeliver(ctx, common);
      return { ...result, ratios: ratios(common.baseline, 'deliveries/s', result.deliveries_per_s, 'deliver') };
    }
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  if (options.scenarios.includes('deliver') && !options.spawn) throw new Error('the deliver scenario restarts the sandbox: use --spawn or --embedded');
  const commit = currentCommit();
  const baseline = await references(options);
  const sandbox = options.spawn ? await Sandbox.create(options) : undefined;
  const receiver = new BenchReceiver();
  const results: Result[] = [];
  try {
    const hookUrl = await receiver.start();
    await sandbox?.start();
    const ctx: BenchContext = { options, base: sandbox?.url ?? options.url, sandbox, receiver, hookUrl };
    const common = { commit, mode: sandbox?.mode ?? { database: 'external' as const, processes: 'external' as const }, baseline };
    for (const scenario of options.scenarios) {
      console.log(`${scenario}…`);
      const result = await runScenario(scenario, ctx, common);
      results.push(result);
      if (options.save) saveResult(result);
    }
  } finally {
    await receiver.stop();
    await sandbox?.destroy();
  }
  printReport(results, commit, baseline);
  const lost = results.reduce((sum, result) => sum + lostOf(result), 0);
  if (lost > 0) {
    console.error(`LOST ${lost} webhook deliveries`);
    process.exit(1);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
