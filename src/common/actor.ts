/** Who is calling: resolved by the API-key guard, passed explicitly to services. */
export interface Actor {
  merchantId: string;
  /** null for work the sandbox does on its own (a scheduled action, e.g. an authorization expiring) or for the customer (3-D Secure page). */
  apiKeyId: string | null;
  requestId: string;
  /** The client address the request came from (null when unknown, e.g. work the worker does). */
  ip?: string | null;
  /** The User-Agent header, truncated (null when absent). */
  userAgent?: string | null;
  /**
   * Set by the idempotency interceptor while this request owns its Idempotency-Key: stored on the
   * payment/refund it creates so that a retry after a crash returns that object instead of a second one.
   */
  idempotencyKey?: string;
}
