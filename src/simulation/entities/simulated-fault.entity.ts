import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The API faults that strike after a commit, and so leave a row next to what was committed. */
export const COMMITTED_FAULTS = ['lost_response'] as const;
export type CommittedFault = (typeof COMMITTED_FAULTS)[number];

export const FAULT_OPERATIONS = ['payment.create', 'refund.create'] as const;
export type FaultOperation = (typeof FAULT_OPERATIONS)[number];

/** A simulated fault that struck a request which committed a payment or refund (design-v2 §5). */
@Entity({ name: 'simulated_faults' })
export class SimulatedFaultEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId: string;

  @Column({ name: 'payment_id', type: 'text' })
  paymentId: string;

  @Column({ name: 'refund_id', type: 'text', nullable: true })
  refundId: string | null;

  @Column({ type: 'text' })
  fault: CommittedFault;

  @Column({ type: 'text' })
  operation: FaultOperation;

  @Column({ name: 'api_key_id', type: 'text', nullable: true })
  apiKeyId: string | null;

  @Column({ name: 'request_id', type: 'text' })
  requestId: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
