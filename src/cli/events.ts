import type { Schemas } from '../../clients/typescript';
import type { CliContext } from './context';
import { CliError, ExitCode } from './errors';
import { pollUntil } from './poll';
import { unwrap } from './transport';

export type SandboxEvent = Schemas['EventView'] & { data: { object: Record<string, unknown> } };
export type Delivery = Schemas['WebhookDeliveryView'];

export interface EventQuery {
  type: string;
  paymentId?: string;
  /** Only events whose data.object.id is this (e.g. a refund id). */
  objectId?: string;
  /** Only events with an id greater than this (ids are time-ordered): "events since". */
  after?: string;
}

/** The newest event that matches, polling until `timeoutMs` (undefined if none appeared). */
export async function findEvent(ctx: CliContext, query: EventQuery, timeoutMs: number): Promise<SandboxEvent | undefined> {
  const client = ctx.client();
  return pollUntil(async () => {
    const result = await client.GET('/v1/events', {
      params: { query: { type: query.type, limit: 100, ...(query.paymentId ? { payment_id: query.paymentId } : {}) } },
    });
    const list = unwrap('GET /v1/events', result) as unknown as { data: SandboxEvent[] };
    return list.data.find((event) => matches(event, query));
  }, timeoutMs);
}

function matches(event: SandboxEvent, query: EventQuery): boolean {
  if (query.objectId && event.data?.object?.id !== query.objectId) return false;
  if (query.after && event.id <= query.after) return false;
  return true;
}

/**
 * Waits until every delivery of the event succeeded. Fails (exit 1) when no endpoint is subscribed,
 * a delivery gave up, or the deadline passes.
 */
export async function waitForDelivery(ctx: CliContext, event: SandboxEvent, timeoutMs: number): Promise<Delivery[]> {
  const client = ctx.client();
  let last: Delivery[] = [];
  const delivered = await pollUntil(async () => {
    const result = await client.GET('/v1/events/{id}/deliveries', { params: { path: { id: event.id } } });
    last = unwrap(`GET /v1/events/${event.id}/deliveries`, result).data;
    if (last.length === 0) {
      throw new CliError(
        `No webhook endpoint is subscribed to ${event.type}, so ${event.id} has nothing to deliver: register one (POST /v1/webhook-endpoints) or use "payment-sandbox listen".`,
        ExitCode.CheckFailed,
      );
    }
    const failed = last.find((delivery) => delivery.status === 'failed');
    if (failed) throw new CliError(`Delivery ${failed.id} of ${event.id} to ${failed.endpoint_id} failed: ${describeLastAttempt(failed)}`, ExitCode.CheckFailed);
    return last.every((delivery) => delivery.status === 'succeeded') ? last : undefined;
  }, timeoutMs);
  if (delivered) return delivered;
  const pending = last.filter((delivery) => delivery.status !== 'succeeded');
  throw new CliError(
    `${event.type} ${event.id} was not delivered within ${timeoutMs / 1000} s (${pending.map((d) => `${d.endpoint_id}: ${describeLastAttempt(d)}`).join('; ')}).`,
    ExitCode.CheckFailed,
  );
}

export function describeLastAttempt(delivery: Delivery): string {
  const attempt = delivery.attempts[delivery.attempts.length - 1];
  if (!attempt) return 'no attempt yet';
  return `attempt ${attempt.attempt}: ${attempt.response_status ?? 'no response'}${attempt.error ? ` (${attempt.error})` : ''}`;
}

/** Milliseconds of the last (successful) attempt of each delivery, for "delivered in N ms". */
export function deliveryDurations(deliveries: Delivery[]): string {
  return deliveries.map((delivery) => `${delivery.endpoint_id} [${delivery.attempts.at(-1)?.response_status}] ${delivery.attempts.at(-1)?.duration_ms} ms`).join(', ');
}
