import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ListQueryDto } from '../../common/pagination';

export class ListEventsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ example: 'payment.captured' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'type must be an event type such as payment.captured' })
  type?: string;

  @ApiPropertyOptional({ example: 'pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  payment_id?: string;
}
