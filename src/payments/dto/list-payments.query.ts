import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { ListQueryDto } from '../../common/pagination';
import { PAYMENT_STATUSES, PaymentStatus } from '../payment.machine';

export class ListPaymentsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: PAYMENT_STATUSES })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(PAYMENT_STATUSES)
  status?: PaymentStatus;
}
