import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ListQueryDto } from '../../common/pagination';
import { REFUND_STATUSES, RefundStatus } from '../entities/refund.entity';

export class ListRefundsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ example: 'pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V', description: 'Only the refunds of this payment.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  payment_id?: string;

  @ApiPropertyOptional({ enum: REFUND_STATUSES, description: 'Only refunds in this status (any case).' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(REFUND_STATUSES)
  status?: RefundStatus;
}
