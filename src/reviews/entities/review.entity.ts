import { Column, Entity, PrimaryColumn } from 'typeorm';

export const REVIEW_STATUSES = ['open', 'closed'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export const REVIEW_CLOSED_REASONS = ['approved', 'refunded'] as const;
export type ReviewClosedReason = (typeof REVIEW_CLOSED_REASONS)[number];

@Entity({ name: 'reviews' })
export class ReviewEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId: string;

  @Column({ name: 'payment_id', type: 'text' })
  paymentId: string;

  @Column({ type: 'text' })
  status: ReviewStatus;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'closed_reason', type: 'text', nullable: true })
  closedReason: ReviewClosedReason | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
