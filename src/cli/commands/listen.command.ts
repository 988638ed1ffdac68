import { Command } from 'commander';
import type { CliContext } from '../context';
import { usageError } from '../errors';
import { listen } from '../listen/listen';
import { listenSecret } from '../listen/forwarder';
import type { CommandRunner } from '../program';

interface ListenFlags {
  forwardTo?: string;
  events: string[];
  printSecret?: boolean;
  since?: string;
}

/** `listen --forward-to URL`: the live event stream, forwarded as signed webhooks to a local app. */
export function listenCommand(run: CommandRunner): Command {
  return new Command('listen')
    .description('Forward live events to a local URL as Standard Webhooks (signed with a whsec_ secret printed at start)')
    .option('--forward-to <url>', 'where to POST each event, e.g. http://localhost:3000/webhooks')
    .option('--events <types>', 'only these event types (comma-separated, repeatable; payment.* prefixes allowed)', collectTypes, [])
    .option('--print-secret', 'print the signing secret (derived from the API key) and exit')
    .option('--since <event id>', 'first forward the stored events after this one (what your app missed), then the live ones')
    .addHelpText('after', '\nExamples:\n  payment-sandbox listen --forward-to http://localhost:3000/webhooks\n  payment-sandbox listen --forward-to http://localhost:3000/webhooks --events payment.captured,refund.failed\n  WEBHOOK_SECRET=$(payment-sandbox listen --print-secret)\n\nPrints "--> payment.captured evt_…" per event and "<-- [200] 12 ms" per answer. Reconnects on its own and\nresumes after the last event forwarded (Last-Event-ID): nothing is lost or forwarded twice. Ctrl-C stops it.')
    .action(run(async (ctx, flags: ListenFlags) => runListen(ctx, flags)));
}

async function runListen(ctx: CliContext, flags: ListenFlags): Promise<void> {
  const secret = listenSecret(ctx.apiKey);
  if (flags.printSecret) return ctx.print(secret, { secret });
  if (!flags.forwardTo) throw usageError('listen needs --forward-to <url> (or --print-secret).');
  const forwardTo = checkedUrl(flags.forwardTo);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const line = (human: string, json: Record<string, unknown>) => ctx.io.stdout(`${ctx.json ? JSON.stringify(json) : human}\n`);
  try {
    const { forwarded } = await listen(ctx, {
      forwardTo,
      types: flags.events,
      since: flags.since,
      secret,
      signal: controller.signal,
      onReady: (reconnected) =>
        reconnected
          ? line('Reconnected; resuming after the last event forwarded.', { ready: true, reconnected: true })
          : line(`Ready! Forwarding events to ${forwardTo}. Webhook signing secret: ${secret} (Ctrl-C to stop)`, { ready: true, forward_to: forwardTo, secret }),
      onForward: (event, result) =>
        line(
          `--> ${event.type} ${event.id}\n<-- ${result.status === null ? `[ERR] ${result.error}` : `[${result.status}]`} ${result.durationMs} ms`,
          { id: event.id, type: event.type, status: result.status, duration_ms: result.durationMs, ...(result.error ? { error: result.error } : {}) },
        ),
      onDisconnect: (reason, retryMs) => ctx.io.stderr(`Stream interrupted (${reason}); reconnecting in ${retryMs} ms\n`),
    });
    ctx.io.stderr(`Stopped after forwarding ${forwarded} events.\n`);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function checkedUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {
    // reported below
  }
  throw usageError(`--forward-to ${value}: expected an http(s) URL, e.g. http://localhost:3000/webhooks.`);
}

function collectTypes(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((type) => type.trim()).filter(Boolean)];
}
