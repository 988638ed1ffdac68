import { createServer } from 'node:net';

/** Setup calls (merchants, endpoints, rules): plain fetch, throws on any non-2xx. Not for the measured load. */
export async function api<T>(
  base: string,
  path: string,
  init: { method?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const response = await fetch(base + path, {
    method: init.method ?? 'GET',
    headers: {
      'Content-Type': 'application/json',
      ...(init.key ? { Authorization: `Bearer ${init.key}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A fresh merchant (its own event count, clock and connectors); returns its secret key. */
export async function createMerchant(base: string, name: string): Promise<string> {
  const merchant = await api<{ api_key: { secret: string } }>(base, '/v1/merchants', { method: 'POST', body: { name } });
  return merchant.api_key.secret;
}

/** Counts the merchant's events (optionally one type) by paging through GET /v1/events. */
export async function countEvents(base: string, key: string, type?: string): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: '100' });
    if (type) query.set('type', type);
    if (cursor) query.set('starting_after', cursor);
    const page = await api<{ data: { id: string }[]; has_more: boolean }>(base, `/v1/events?${query}`, { key });
    count += page.data.length;
    if (!page.has_more || page.data.length === 0) return count;
    cursor = page.data[page.data.length - 1].id;
  }
}

/** autocannon stops with requests still in flight; count once the server has finished them. */
export async function settledEventCount(base: string, key: string): Promise<number> {
  let previous = -1;
  let count = await countEvents(base, key);
  while (count !== previous) {
    await sleep(500);
    previous = count;
    count = await countEvents(base, key);
  }
  return count;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Polls `done` every `everyMs` until it holds or `seconds` pass; true when it held. */
export async function waitUntil(done: () => boolean, seconds: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
