import { Command } from 'commander';
import { usageError } from '../errors';
import { deliveryDurations } from '../events';
import type { CommandRunner } from '../program';
import { RECIPES } from '../trigger/recipes';
import { trigger } from '../trigger/trigger';

interface TriggerFlags {
  override: string[];
  wait?: boolean;
  timeout: string;
}

/** `trigger <event type>`: creates what it takes for the sandbox to emit that event. */
export function triggerCommand(run: CommandRunner): Command {
  const recipes = Object.entries(RECIPES)
    .map(([type, recipe]) => `  ${type.padEnd(28)} ${recipe.description}`)
    .join('\n');
  return new Command('trigger')
    .description('Create what it takes for the sandbox to emit an event type; prints the ids')
    .argument('<event type>', 'e.g. payment.captured (see the list below)')
    .option('--override <path=value>', 'change a request field, [step.]field.path=value (repeatable), e.g. payment.amount=5000', collect, [])
    .option('--wait', 'return once the webhook was delivered to every subscribed endpoint')
    .option('--timeout <seconds>', 'how long to wait for the event and its delivery', '30')
    .addHelpText('after', `\nEvent types:\n${recipes}\n\nExamples:\n  payment-sandbox trigger payment.captured --wait\n  payment-sandbox trigger payment.failed --override payment.simulate=insufficient_funds\n  payment-sandbox trigger payment.partially_refunded --override payment.amount=10000 --override refund.amount=2500`)
    .action(
      run(async (ctx, type: string, flags: TriggerFlags) => {
        const timeoutSeconds = Number(flags.timeout);
        if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw usageError(`--timeout ${flags.timeout}: expected a positive number of seconds.`);
        const result = await trigger(ctx, type, { overrides: flags.override, wait: flags.wait === true, timeoutMs: timeoutSeconds * 1000 });
        const lines = [
          `${result.type} ${result.event.id}`,
          ...(result.payment_id ? [`  payment ${result.payment_id}`] : []),
          ...(result.refund_id ? [`  refund  ${result.refund_id}`] : []),
          ...(result.deliveries ? [`  delivered: ${deliveryDurations(result.deliveries)}`] : []),
        ];
        ctx.print(lines, result);
      }),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
