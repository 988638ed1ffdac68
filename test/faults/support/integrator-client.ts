import { call, JsonObject, NoAnswerError } from './http-client';

/** What one try got: an HTTP status, or no answer at all (reset, refused, timed out). */
export type TryOutcome = number | 'no_answer';

export interface IntegratorResult {
  key: string;
  tries: TryOutcome[];
  /** The last answer's status (0 when no try was answered). */
  status: number;
  /** The id the last answer named (a 201's payment). */
  id?: string;
  /** Idempotent-Replayed: true on the last answer. */
  replayed: boolean;
}

export interface IntegratorRequest {
  baseUrl: string;
  apiKey: string;
  path: string;
  body: JsonObject;
  idempotencyKey: string;
  /** Headers of the first try only (e.g. Sandbox-Simulate set by a fault-injecting proxy). */
  firstTryHeaders?: Record<string, string>;
  /** Headers of every try. */
  headers?: Record<string, string>;
  maxTries: number;
  /** Pause before a retry when the answer named no Retry-After. */
  backoffMs: number;
}

const RETRYABLE = new Set([409, 500, 502, 503, 504]);

/**
 * What a careful integrator does with a POST: the same Idempotency-Key and the same body on every
 * try; retry when there was no answer (a reset connection, a lost response) or a 5xx/409-in-use,
 * honouring Retry-After; give up after maxTries and keep the last answer.
 */
export async function postLikeAnIntegrator(request: IntegratorRequest): Promise<IntegratorResult> {
  const result: IntegratorResult = { key: request.idempotencyKey, tries: [], status: 0, replayed: false };
  for (let attempt = 1; attempt <= request.maxTries; attempt++) {
    let waitMs = request.backoffMs;
    try {
      const response = await call<{ id?: string }>(request.baseUrl, 'POST', request.path, {
        key: request.apiKey,
        body: request.body,
        headers: {
          'idempotency-key': request.idempotencyKey,
          ...request.headers,
          ...(attempt === 1 ? request.firstTryHeaders : {}),
        },
        timeoutMs: 10_000,
      });
      result.tries.push(response.status);
      Object.assign(result, { status: response.status, id: response.body?.id, replayed: response.headers.get('idempotent-replayed') === 'true' });
      if (!RETRYABLE.has(response.status)) return result;
      const retryAfter = Number(response.headers.get('retry-after'));
      if (Number.isFinite(retryAfter) && retryAfter > 0) waitMs = retryAfter * 1000;
    } catch (error) {
      if (!(error instanceof NoAnswerError)) throw error;
      result.tries.push('no_answer');
      Object.assign(result, { status: 0, id: undefined, replayed: false });
    }
    if (attempt < request.maxTries) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  return result;
}
