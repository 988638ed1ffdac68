import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, PrivateAddressError } from './url-guard';

export const RESPONSE_BODY_LIMIT = 1024;

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  blockPrivate: boolean;
}

export interface WebhookResponse {
  status: number | null;
  /** First 1 KB of the response body. */
  body: string | null;
  error: string | null;
  durationMs: number;
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

/**
 * POSTs once: no redirects followed (a 3xx is just a status), a hard deadline for the whole
 * exchange, and (when asked) a DNS lookup that refuses private addresses at connect time.
 */
export function postWebhook(request: WebhookRequest): Promise<WebhookResponse> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<WebhookResponse, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const fail = (error: Error) => finish({ status: null, body: null, error: error.message || error.name });

    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return resolve({ status: null, body: null, error: 'invalid url', durationMs: 0 });
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (request.blockPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
      return resolve({ status: null, body: null, error: new PrivateAddressError(host, host).message, durationMs: 0 });
    }
    const isHttps = url.protocol === 'https:';
    const client = isHttps ? https : http;
    const outgoing = client.request(url, {
      method: 'POST',
      agent: isHttps ? agents.https : agents.http,
      headers: { ...request.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body).toString() },
      ...(request.blockPrivate ? { lookup: guardedLookup } : {}),
    });
    const timer = setTimeout(() => {
      outgoing.destroy(new Error(`timed out after ${request.timeoutMs} ms`));
    }, request.timeoutMs);
    outgoing.on('error', fail);
    outgoing.on('response', (response) => {
      readHead(response).then(
        (body) => finish({ status: response.statusCode ?? null, body, error: null }),
        fail,
      );
    });
    outgoing.end(request.body);
  });
}

/** Keeps the first 1 KB and drains the rest, so the socket can be reused. */
function readHead(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      if (size < RESPONSE_BODY_LIMIT) {
        chunks.push(chunk);
        size += chunk.length;
      }
    });
    response.on('end', () => resolve(Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8')));
    response.on('error', reject);
    response.on('aborted', () => reject(new Error('response aborted')));
  });
}
