import type { CliContext } from '../context';
import { CliError, ExitCode, usageError } from '../errors';
import { Delivery, findEvent, SandboxEvent, waitForDelivery } from '../events';
import { unwrap } from '../transport';
import { applyOverrides } from './overrides';
import { TriggerState } from './recipe-steps';
import { RECIPES } from './recipes';

export interface TriggerOptions {
  overrides: string[];
  wait: boolean;
  timeoutMs: number;
}

export interface TriggerResult {
  type: string;
  event: SandboxEvent;
  payment_id: string | null;
  refund_id: string | null;
  deliveries: Delivery[] | null;
}

/** Runs the recipe of `type`, finds the event it produced and (with `wait`) waits for its delivery. */
export async function trigger(ctx: CliContext, type: string, options: TriggerOptions): Promise<TriggerResult> {
  const recipe = RECIPES[type];
  if (!recipe) throw usageError(`Unknown event type "${type}". Known: ${Object.keys(RECIPES).join(', ')}.`);
  const bodies = applyOverrides(recipe.steps, options.overrides);
  const client = ctx.client();
  const before = await latestEventId(ctx);
  let state: TriggerState = {};
  for (const [index, step] of recipe.steps.entries()) {
    state = { ...state, ...(await step.run(client, bodies[index], state)) };
  }
  const event = await findEvent(
    ctx,
    { type, paymentId: state.payment?.id, objectId: type.startsWith('refund.') ? state.refund?.id : undefined, after: before },
    options.timeoutMs,
  );
  if (!event) {
    throw new CliError(
      `Ran "${recipe.description}"${state.payment ? ` (${state.payment.id}, ${state.payment.status})` : ''} but the sandbox emitted no ${type} within ${options.timeoutMs / 1000} s (an override may have changed the outcome).`,
      ExitCode.CheckFailed,
    );
  }
  const deliveries = options.wait ? await waitForDelivery(ctx, event, options.timeoutMs) : null;
  return { type, event, payment_id: state.payment?.id ?? null, refund_id: state.refund?.id ?? null, deliveries };
}

/** The newest event id before the recipe runs: events after it are the recipe's. */
async function latestEventId(ctx: CliContext): Promise<string | undefined> {
  const list = unwrap('GET /v1/events', await ctx.client().GET('/v1/events', { params: { query: { limit: 1 } } })) as unknown as { data: Array<{ id: string }> };
  return list.data[0]?.id;
}
