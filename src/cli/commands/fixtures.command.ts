import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command } from 'commander';
import type { CliContext } from '../context';
import { CliError, ExitCode } from '../errors';
import { loadFixture } from '../fixtures/fixture-file';
import { junitReport } from '../fixtures/junit';
import { startReceiver } from '../fixtures/receiver';
import { stepLine, summaryLine } from '../fixtures/report';
import { FixtureResult, runFixture } from '../fixtures/runner';
import type { CommandRunner } from '../program';

interface FixturesFlags {
  junit?: string;
  receiver?: boolean;
}

const FIXTURE_HELP = `
A fixture (YAML or JSON) is a list of steps, each one request with expectations:

  name: Capture and refund
  steps:
    - name: create
      method: POST
      path: /v1/payments
      headers: { Idempotency-Key: "order-\${env:RUN_ID|local}" }
      body: { amount: 5000, currency: usd, capture_method: manual }
      expect:
        status: 201
        fields: { status: AUTHORIZED, payment_method.card.last4: "4242", id: { $matches: "^pay_" } }
        webhook: { type: payment.authorized, within: 10s }
    - name: capture
      method: POST
      path: /v1/payments/\${step:create.id}/capture
      expect: { status: 200, fields: { status: CAPTURED } }

References: \${step:NAME.json.path} (a field of an earlier step's response body),
\${env:VAR} and \${env:VAR|default}. Field matchers: a value (objects match by the keys given),
{$exists: true}, {$matches: regex}, {$in: [...]}, {$gte: n}, {$lte: n}.
expect.webhook: the event for the step's payment exists and was delivered to every subscribed endpoint
within the time; expect.timeline.contains: entries of GET /v1/payments/:id/timeline.
--receiver starts a local endpoint answering 204 and passes its URL as \${env:SANDBOX_RECEIVER_URL}.

Examples:
  payment-sandbox fixtures run fixtures/capture-refund.yaml
  payment-sandbox fixtures run fixtures/*.yaml --receiver --junit reports/fixtures.xml`;

/** `fixtures run FILE…`: runs fixture files, prints a readable diff for failures, writes JUnit XML. */
export function fixturesCommand(run: CommandRunner): Command {
  const fixtures = new Command('fixtures').description('Run scripted payment scenarios with expectations (YAML or JSON)');
  fixtures
    .command('run')
    .description('Run fixture files; exit 1 when an expectation fails, 2 when a file is invalid')
    .argument('<files...>', 'fixture files (.yaml, .yml or .json)')
    .option('--junit <file>', 'write a JUnit XML report to this file')
    .option('--receiver', 'start a local webhook receiver (answers 204); its URL is ${env:SANDBOX_RECEIVER_URL}')
    .addHelpText('after', FIXTURE_HELP)
    .action(run(async (ctx, files: string[], flags: FixturesFlags) => runFixtures(ctx, files, flags)));
  return fixtures;
}

async function runFixtures(ctx: CliContext, files: string[], flags: FixturesFlags): Promise<void> {
  const receiver = flags.receiver ? await startReceiver() : undefined;
  try {
    const env = { ...ctx.env, ...(receiver ? { SANDBOX_RECEIVER_URL: receiver.url } : {}) };
    const loaded = files.map((file) => loadFixture(file, env));
    void ctx.apiKey; // throws (exit 4) without a key, before any step runs
    const results: FixtureResult[] = [];
    for (const fixture of loaded) {
      ctx.note(`${fixture.name} (${fixture.file})`);
      results.push(await runFixture(ctx, fixture, env, (step) => ctx.note(stepLine(step))));
    }
    if (flags.junit) {
      mkdirSync(dirname(flags.junit), { recursive: true });
      writeFileSync(flags.junit, junitReport(results));
    }
    const summary = summaryLine(results);
    ctx.print(summary, { passed: results.every((r) => r.passed), fixtures: results });
    const failed = results.filter((result) => !result.passed);
    if (failed.length > 0) throw new CliError(`${failed.length} of ${results.length} fixtures failed: ${failed.map((r) => r.file).join(', ')}`, ExitCode.CheckFailed);
  } finally {
    await receiver?.close();
  }
}
