import { createParser, EventSourceMessage } from 'eventsource-parser';
import type { CliContext } from '../context';
import { CliError, ExitCode } from '../errors';
import { apiError } from '../transport';

export interface StreamOptions {
  types: string[];
  /** Resume after this event id (sent as Last-Event-ID). */
  lastEventId?: string;
  signal: AbortSignal;
  onOpen(): void;
}

/**
 * One connection to `GET /v1/events/stream` (Server-Sent Events): yields each message until the
 * server closes the stream or the connection breaks (the caller reconnects with Last-Event-ID).
 * 4xx refusals are CliErrors (no point retrying them); 5xx and broken connections are retried by the caller.
 */
export async function* readEventStream(ctx: CliContext, options: StreamOptions): AsyncGenerator<EventSourceMessage> {
  const query = options.types.length > 0 ? `?${new URLSearchParams({ types: options.types.join(',') })}` : '';
  const response = await ctx.fetch(`${ctx.baseUrl}/v1/events/stream${query}`, {
    headers: {
      authorization: `Bearer ${ctx.apiKey}`,
      accept: 'text/event-stream',
      ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}),
    },
    signal: options.signal,
  });
  if (response.status === 404) throw new CliError(`The sandbox at ${ctx.baseUrl} has no live event stream (GET /v1/events/stream answered 404): update it.`, ExitCode.ApiError);
  // A sandbox restarting (502/503) is worth another try; a refusal (400, 401) is not.
  if (response.status >= 500) throw new Error(`GET /v1/events/stream answered ${response.status}`);
  if (!response.ok || !response.body) throw apiError('GET /v1/events/stream', response.status, await response.json().catch(() => undefined));
  options.onOpen();
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => pending.push(message) });
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) yield pending.shift()!;
  }
}
