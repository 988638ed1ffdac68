import { createHmac } from 'node:crypto';
import { signatureHeader } from '../../webhooks/delivery/webhook-signature';

export interface ForwardResult {
  status: number | null;
  durationMs: number;
  error?: string;
}

const FORWARD_TIMEOUT_MS = 10_000;

/**
 * The session's signing secret: derived from the API key, so every `listen` of one key signs with
 * the same `whsec_` secret and `--print-secret` can print it before the app starts.
 */
export function listenSecret(apiKey: string): string {
  return `whsec_${createHmac('sha256', apiKey).update('payment-sandbox listen v1').digest('base64')}`;
}

/** POSTs one event body to the local app, signed per Standard Webhooks (as the sandbox signs its webhooks). */
export async function forwardEvent(url: string, secret: string, id: string, body: string): Promise<ForwardResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'payment-sandbox-cli (listen)',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader([secret], id, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${FORWARD_TIMEOUT_MS} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { status: null, durationMs: Math.round(performance.now() - started), error: reason };
  }
}
