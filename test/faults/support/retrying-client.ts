import { call, JsonObject, NoAnswerError } from './http-client';

export interface KeyResult {
  key: string;
  status: number;
  /** The id of the object the final answer named. */
  id?: string;
  tries: number;
  noAnswers: number;
  inUse: number;
  unavailable: number;
  answeredAt: number;
}

export interface RetryRequest {
  baseUrl: string;
  apiKey: string;
  path: string;
  body: JsonObject;
  idempotencyKey: string;
  deadlineMs: number;
  pauseMs: number;
  onAnswer(): void;
}

/**
 * A well-behaved client: the same POST with the same Idempotency-Key and body until the API answers
 * with something final (no answer while it is down, 409 idempotency_key_in_use while a dead request's
 * claim is locked, 503 while a dependency is out: all retried).
 */
export async function retryUntilAnswered(request: RetryRequest): Promise<KeyResult> {
  const result: KeyResult = { key: request.idempotencyKey, status: 0, tries: 0, noAnswers: 0, inUse: 0, unavailable: 0, answeredAt: 0 };
  const deadline = Date.now() + request.deadlineMs;
  while (Date.now() < deadline) {
    result.tries++;
    try {
      const response = await call<{ id?: string; error?: { code?: string } }>(request.baseUrl, 'POST', request.path, {
        key: request.apiKey,
        body: request.body,
        headers: { 'idempotency-key': request.idempotencyKey },
        timeoutMs: 10_000,
      });
      if (response.status === 409 && response.body.error?.code === 'idempotency_key_in_use') {
        result.inUse++;
      } else if (response.status === 503) {
        result.unavailable++; // retryable by contract; counted in the summary
      } else {
        Object.assign(result, { status: response.status, id: response.body.id, answeredAt: Date.now() });
        request.onAnswer();
        return result;
      }
    } catch (error) {
      if (!(error instanceof NoAnswerError)) throw error;
      result.noAnswers++;
    }
    await new Promise((resolve) => setTimeout(resolve, request.pauseMs));
  }
  return result;
}

export function countBy(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
