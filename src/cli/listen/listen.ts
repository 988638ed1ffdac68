import type { CliContext } from '../context';
import { CliError, ExitCode } from '../errors';
import { readEventStream } from './event-stream';
import { forwardEvent, ForwardResult } from './forwarder';

export interface ListenOptions {
  forwardTo: string;
  types: string[];
  /** Resume after this event id from the start (stored events first). */
  since?: string;
  secret: string;
  signal: AbortSignal;
  onReady(reconnected: boolean): void;
  onForward(event: { id: string; type: string }, result: ForwardResult): void;
  onDisconnect(reason: string, retryInMs: number): void;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;
/** Ids remembered to drop the overlap a resumed stream may replay. */
const SEEN_LIMIT = 10_000;

/**
 * Streams events and forwards each one, in order, once. When the connection breaks it reconnects
 * with Last-Event-ID = the last event forwarded, so nothing is lost; ids already forwarded are skipped.
 */
export async function listen(ctx: CliContext, options: ListenOptions): Promise<{ forwarded: number }> {
  const seen = new Set<string>();
  let lastEventId = options.since;
  let forwarded = 0;
  let retryMs = RETRY_MIN_MS;
  let connections = 0;
  while (!options.signal.aborted) {
    try {
      const stream = readEventStream(ctx, {
        types: options.types,
        lastEventId,
        signal: options.signal,
        onOpen: () => {
          retryMs = RETRY_MIN_MS;
          options.onReady(connections++ > 0);
        },
      });
      for await (const message of stream) {
        const event = parseEvent(message.data, message.id);
        if (!event || seen.has(event.id)) continue;
        options.onForward(event, await forwardEvent(options.forwardTo, options.secret, event.id, message.data));
        remember(seen, event.id);
        lastEventId = event.id;
        forwarded++;
      }
      if (options.signal.aborted) break;
      options.onDisconnect('the stream ended', retryMs);
    } catch (error) {
      if (options.signal.aborted) break;
      // Refusals end the session; so does an unreachable sandbox before the first connection (a wrong URL).
      if (error instanceof CliError && (error.exitCode !== ExitCode.Unreachable || connections === 0)) throw error;
      options.onDisconnect(error instanceof Error ? error.message : String(error), retryMs);
    }
    await sleep(retryMs, options.signal);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  }
  return { forwarded };
}

function parseEvent(data: string, sseId: string | undefined): { id: string; type: string } | undefined {
  try {
    const body = JSON.parse(data) as { id?: string; type?: string };
    const id = body.id ?? sseId;
    return id && body.type ? { id, type: body.type } : undefined;
  } catch {
    return undefined;
  }
}

function remember(seen: Set<string>, id: string): void {
  seen.add(id);
  if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value!);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
