import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { ListQueryDto } from '../../common/pagination';
import { IsStringMap } from '../../common/string-map.validator';
import { PAYMENT_STATUSES, PaymentStatus } from '../payment.machine';

export class ListPaymentsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: PAYMENT_STATUSES })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(PAYMENT_STATUSES)
  status?: PaymentStatus;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { order_id: '1234' },
    description: 'Only payments whose metadata has every given pair: metadata[order_id]=1234.',
  })
  @IsOptional()
  @IsStringMap({ maxKeys: 10, maxKeyLength: 40, maxValueLength: 500 })
  metadata?: Record<string, string>;
}
