import { ApiProperty } from '@nestjs/swagger';
import { REVIEW_CLOSED_REASONS, REVIEW_STATUSES, ReviewClosedReason, ReviewEntity, ReviewStatus } from '../entities/review.entity';

export class ReviewView {
  @ApiProperty({ example: 'rv_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['review'] }) object: 'review';
  @ApiProperty({ example: 'pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) payment_id: string;
  @ApiProperty({ enum: REVIEW_STATUSES, example: 'open' }) status: ReviewStatus;
  @ApiProperty({ example: 'rule', description: "Why it opened: 'rule' (a review rule matched; the rule is on the payment's outcome)." })
  reason: string;
  @ApiProperty({ enum: REVIEW_CLOSED_REASONS, nullable: true, example: null }) closed_reason: ReviewClosedReason | null;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) created_at: string;
}

export class ReviewListView {
  @ApiProperty({ enum: ['list'] }) object: 'list';
  @ApiProperty({ type: [ReviewView] }) data: ReviewView[];
  @ApiProperty({ example: false }) has_more: boolean;
}

export function toReviewView(row: ReviewEntity): ReviewView {
  return {
    id: row.id,
    object: 'review',
    payment_id: row.paymentId,
    status: row.status,
    reason: row.reason,
    closed_reason: row.closedReason,
    created_at: row.createdAt.toISOString(),
  };
}
