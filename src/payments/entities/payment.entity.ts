import { RiskOutcome } from '../../risk/outcome';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintTransformer } from '../../common/money';
import type { AttemptRecord } from '../../connectors/attempts.repository';
import type { CancellationReason, PaymentMethodType, PaymentStatus } from '../payment.machine';
import type { CustomerStep } from '../../payment-methods/customer-step';
import type { NextAction } from '../../payment-methods/dto/next-action.view';
import type { MpesaDetails } from '../../payment-methods/mpesa';
import type { ThreeDSecureDetails } from '../../payment-methods/three-d-secure';
import type { UpiDetails } from '../../payment-methods/upi';

export type CaptureMethod = 'automatic' | 'manual';

@Entity({ name: 'payments' })
export class PaymentEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  amount: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'text' })
  status: PaymentStatus;

  @Column({ name: 'capture_method', type: 'text' })
  captureMethod: CaptureMethod;

  @Column({ name: 'amount_captured', type: 'bigint', transformer: bigintTransformer })
  amountCaptured: number;

  @Column({ name: 'amount_refunded', type: 'bigint', transformer: bigintTransformer })
  amountRefunded: number;

  /** card, upi or mpesa (the machine's guards read it). */
  @Column({ name: 'payment_method_type', type: 'text' })
  method: PaymentMethodType;

  // Card columns: null for UPI and M-Pesa payments.
  @Column({ name: 'card_brand', type: 'text', nullable: true })
  cardBrand: string | null;

  @Column({ name: 'card_last4', type: 'char', length: 4, nullable: true })
  cardLast4: string | null;

  @Column({ name: 'card_exp_month', type: 'smallint', nullable: true })
  cardExpMonth: number | null;

  @Column({ name: 'card_exp_year', type: 'smallint', nullable: true })
  cardExpYear: number | null;

  @Column({ name: 'three_d_secure', type: 'jsonb', nullable: true })
  threeDSecure: ThreeDSecureDetails | null;

  @Column({ type: 'jsonb', nullable: true })
  upi: UpiDetails | null;

  @Column({ type: 'jsonb', nullable: true })
  mpesa: MpesaDetails | null;

  /** What the customer must do while REQUIRES_ACTION or PROCESSING; null otherwise. */
  @Column({ name: 'next_action', type: 'jsonb', nullable: true })
  nextAction: NextAction | null;

  /** The pending step's plan (internal, never shown): what approve, the timers and expiry lead to. */
  @Column({ name: 'customer_step', type: 'jsonb', nullable: true })
  customerStep: CustomerStep | null;

  @Column({ name: 'return_url', type: 'text', nullable: true })
  returnUrl: string | null;

  @Column({ name: 'failure_code', type: 'text', nullable: true })
  failureCode: string | null;

  @Column({ name: 'failure_message', type: 'text', nullable: true })
  failureMessage: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'customer_email', type: 'text', nullable: true })
  customerEmail: string | null;

  @Column({ type: 'jsonb' })
  metadata: Record<string, string>;

  /** The connector that answered (null when none was called). */
  @Column({ type: 'text', nullable: true })
  connector: string | null;

  /** The view copy of this payment's rows in payment_attempts (written once, with them). */
  @Column({ type: 'jsonb' })
  attempts: AttemptRecord[];

  @Column({ name: 'payer_country', type: 'text', nullable: true })
  payerCountry: string | null;

  @Column({ name: 'payer_country_source', type: 'text', nullable: true })
  payerCountrySource: 'explicit' | 'ip' | 'card' | null;

  @Column({ name: 'card_country', type: 'text', nullable: true })
  cardCountry: string | null;

  /** Made with the fail-later refund test card (decided on the full number at creation; internal, never shown). */
  @Column({ name: 'refund_fails_later', type: 'boolean' })
  refundFailsLater: boolean;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  /** Merchant time until which an AUTHORIZED payment may be captured (set when it stays AUTHORIZED). */
  @Column({ name: 'capture_before', type: 'timestamptz', nullable: true })
  captureBefore: Date | null;

  @Column({ name: 'cancellation_reason', type: 'text', nullable: true })
  cancellationReason: CancellationReason | null;

  /** What risk decided (issue 15); null for payments created before risk existed. */
  @Column({ type: 'jsonb', nullable: true })
  outcome: RiskOutcome | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
