import { ApiProperty } from '@nestjs/swagger';
import { failureMessage } from '../../payments/card-simulation';
import { REFUND_REASONS, REFUND_STATUSES, RefundEntity, RefundReason, RefundStatus } from '../entities/refund.entity';

export class RefundView {
  @ApiProperty({ example: 're_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['refund'] }) object: 'refund';
  @ApiProperty({ example: 'pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) payment_id: string;
  @ApiProperty({ example: 500 }) amount: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ enum: REFUND_STATUSES, example: 'SUCCEEDED' }) status: RefundStatus;
  @ApiProperty({ enum: REFUND_REASONS, nullable: true, example: 'requested_by_customer' }) reason: RefundReason | null;
  @ApiProperty({ nullable: true, type: String, example: null }) failure_code: string | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Why the refund failed (status FAILED); null otherwise.' })
  failure_message: string | null;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) created_at: string;
}

export function toRefundView(row: RefundEntity): RefundView {
  return {
    id: row.id,
    object: 'refund',
    payment_id: row.paymentId,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    reason: row.reason,
    failure_code: row.failureCode,
    failure_message: row.failureCode ? failureMessage(row.failureCode) : null,
    created_at: row.createdAt.toISOString(),
  };
}
