import { Command } from 'commander';
import { usageError } from '../errors';
import type { CommandRunner } from '../program';
import { apiError, rawRequest } from '../transport';

interface ClockView {
  now: string;
  offset_ms: number;
  frozen: boolean;
}

const DURATION = /^\d+(ms|s|m|h|d)$/;

/** `clock advance 7d`: moves the merchant's test clock forward, running whatever falls due. */
export function clockCommand(run: CommandRunner): Command {
  const clock = new Command('clock').description("The merchant's test clock (move time instead of sleeping)");
  clock
    .command('advance')
    .description('Advance the clock by a duration (units ms, s, m, h, d) or --to an ISO time; due work runs before it answers')
    .argument('[duration]', 'e.g. 7d, 90m, 30s')
    .option('--to <time>', 'advance to this ISO 8601 time instead')
    .addHelpText('after', '\nExamples:\n  payment-sandbox clock advance 7d\n  payment-sandbox clock advance --to 2027-01-01T00:00:00Z')
    .action(
      run(async (ctx, duration: string | undefined, options: { to?: string }) => {
        const body = clockAdvanceBody(duration, options.to);
        const response = await rawRequest(ctx.fetch, ctx.baseUrl, ctx.apiKey, { method: 'POST', path: '/v1/test-clock/advance', body });
        if (response.status !== 200) throw apiError('POST /v1/test-clock/advance', response.status, response.json);
        const view = response.json as ClockView;
        ctx.print(`Clock advanced: now ${view.now} (offset ${view.offset_ms} ms${view.frozen ? ', frozen' : ''})`, view);
      }),
    );
  return clock;
}

function clockAdvanceBody(duration: string | undefined, to: string | undefined): { by: string } | { to: string } {
  if (duration && to) throw usageError('Give either a duration or --to, not both.');
  if (to) return { to };
  if (!duration) throw usageError('Missing duration: e.g. "clock advance 7d" (units ms, s, m, h, d) or "clock advance --to <ISO time>".');
  if (!DURATION.test(duration)) throw usageError(`Invalid duration "${duration}": a whole number and a unit (ms, s, m, h, d), e.g. 7d.`);
  return { by: duration };
}
