/** A fact to publish, collected inside the transaction that made it true. */
export interface DomainEvent {
  type: string;
  paymentId?: string;
  refundId?: string;
  /** The object as it was when the event happened (becomes `data.object`). */
  object: Record<string, unknown>;
  occurredAt: Date;
}

/** Work to run once the transaction that recorded the events has committed (e.g. enqueue deliveries). */
export type AfterCommit = () => void;
