import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ListQueryDto } from '../../common/pagination';

const TYPE_ITEM = '[a-z_]+\\.([a-z_]+|\\*)';
const EVENT_TYPE_FILTER = new RegExp(`^${TYPE_ITEM}(,${TYPE_ITEM}){0,19}$`);

export class ListEventsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({
    example: 'payment.captured,refund.*',
    description: 'An event type, a comma list of them, and/or a wildcard such as payment.* (at most 20 items).',
  })
  @IsOptional()
  @IsString()
  @Matches(EVENT_TYPE_FILTER, { message: 'type must be event types such as payment.captured or payment.*, separated by commas (at most 20)' })
  type?: string;

  @ApiPropertyOptional({ example: 'pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  payment_id?: string;
}
