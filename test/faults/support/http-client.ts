/** A JSON object as the API answers it; tests narrow what they read. */
export type JsonObject = Record<string, unknown>;

export interface ApiResponse<T = JsonObject> {
  status: number;
  body: T;
  headers: Headers;
  durationMs: number;
}

export interface CallOptions {
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The client gives up after this (a hang counts as a failure, not a wait). */
  timeoutMs?: number;
}

/** A request that got no HTTP answer: refused, reset, or past the client timeout. */
export class NoAnswerError extends Error {
  constructor(
    readonly reason: 'timeout' | 'connection',
    message: string,
    readonly durationMs: number,
  ) {
    super(message);
  }
}

/** One real HTTP request with Node's fetch; throws NoAnswerError when no response arrives. */
export async function call<T = JsonObject>(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const started = Date.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    text = await response.text();
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
    const detail = err.cause?.code ?? err.cause?.message ?? err.message;
    throw new NoAnswerError(timedOut ? 'timeout' : 'connection', `${method} ${path}: ${detail}`, Date.now() - started);
  }
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text, the test will notice
  }
  return { status: response.status, body: body as T, headers: response.headers, durationMs: Date.now() - started };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once; returns results in order. */
export async function runPool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Tallies statuses, e.g. {"201": 480, "503": 20, "no_answer:connection": 3}. */
export function tally(outcomes: Array<number | string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[String(outcome)] = (counts[String(outcome)] ?? 0) + 1;
  return counts;
}
