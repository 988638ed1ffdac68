import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ListQueryDto } from '../../common/pagination';

export class ListRefundsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ example: 'pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V', description: 'Only the refunds of this payment.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  payment_id?: string;
}
