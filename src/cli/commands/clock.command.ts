import { Command } from 'commander';
import type { Schemas } from '../../../clients/typescript';
import type { CliContext } from '../context';
import { usageError } from '../errors';
import type { CommandRunner } from '../program';
import { unwrap } from '../transport';

type ClockView = Schemas['TestClockView'];

/** The route's own pattern: a whole number > 0 and a unit. */
const DURATION = /^[1-9]\d*(ms|s|m|h|d)$/;

/** `clock advance 7d` (and show, freeze, unfreeze): the merchant's test clock. */
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
        const body = advanceBody(duration, options.to);
        printClock(ctx, 'advanced', unwrap('POST /v1/test-clock/advance', await ctx.client().POST('/v1/test-clock/advance', { body })));
      }),
    );
  clock
    .command('show')
    .description("Print the merchant's clock")
    .action(run(async (ctx) => printClock(ctx, 'is at', unwrap('GET /v1/test-clock', await ctx.client().GET('/v1/test-clock')))));
  clock
    .command('freeze')
    .description('Stop the clock: now stands still until advanced')
    .action(run(async (ctx) => printClock(ctx, 'frozen', unwrap('POST /v1/test-clock/freeze', await ctx.client().POST('/v1/test-clock/freeze')))));
  clock
    .command('unfreeze')
    .description('Let the clock run again (from where it stands)')
    .action(run(async (ctx) => printClock(ctx, 'running', unwrap('POST /v1/test-clock/unfreeze', await ctx.client().POST('/v1/test-clock/unfreeze')))));
  return clock;
}

function printClock(ctx: CliContext, verb: string, view: ClockView): void {
  ctx.print(`Clock ${verb}: now ${view.now} (offset ${view.offset_ms} ms${view.frozen ? ', frozen' : ''})`, view);
}

function advanceBody(duration: string | undefined, to: string | undefined): { by: string } | { to: string } {
  if (duration && to) throw usageError('Give either a duration or --to, not both.');
  if (to) return { to };
  if (!duration) throw usageError('Missing duration: e.g. "clock advance 7d" (units ms, s, m, h, d) or "clock advance --to <ISO time>".');
  if (!DURATION.test(duration)) throw usageError(`Invalid duration "${duration}": a whole number above 0 and a unit (ms, s, m, h, d), e.g. 7d.`);
  return { by: duration };
}
