import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDate, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { And, FindOperator, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';

const UNIX_SECONDS = /^\d{1,11}$/;
const ISO_DATE = /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:?\d\d)?)?$/;

/** `created[gte]=1764547200` (Unix seconds, as Stripe) or an ISO 8601 date/time; anything else stays invalid. */
function toDate({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  if (UNIX_SECONDS.test(value)) return new Date(Number(value) * 1000);
  if (!ISO_DATE.test(value)) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date;
}

const DATE_MESSAGE = '$property must be a Unix timestamp in seconds or an ISO 8601 date such as 2026-12-01T00:00:00Z';

export class CreatedRangeDto {
  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'Created at or after (Unix seconds or ISO 8601).' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: DATE_MESSAGE })
  gte?: Date;

  @ApiPropertyOptional({ example: '2026-12-31T23:59:59Z', description: 'Created at or before (Unix seconds or ISO 8601).' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: DATE_MESSAGE })
  lte?: Date;
}

export class ListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10, description: 'Page size (1-100).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer between 1 and 100' })
  @Min(1, { message: 'limit must be an integer between 1 and 100' })
  @Max(100, { message: 'limit must be an integer between 1 and 100' })
  limit: number = 10;

  @ApiPropertyOptional({ description: 'An object id: return the objects created before it (newest first).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  starting_after?: string;

  @ApiPropertyOptional({
    type: CreatedRangeDto,
    description: 'Only objects created in this range: created[gte]=...&created[lte]=... (Unix seconds or ISO 8601, inclusive).',
  })
  @IsOptional()
  @IsObject({ message: 'created must be given as created[gte]=... and/or created[lte]=...' })
  @ValidateNested()
  @Type(() => CreatedRangeDto)
  created?: CreatedRangeDto;
}

/** The TypeORM condition for `created[gte]`/`created[lte]`, to spread into a `where` (empty without a range). */
export function createdWithin(range: CreatedRangeDto | undefined): { createdAt?: FindOperator<Date> } {
  const bounds = [range?.gte && MoreThanOrEqual(range.gte), range?.lte && LessThanOrEqual(range.lte)].filter(
    (bound): bound is FindOperator<Date> => Boolean(bound),
  );
  if (bounds.length === 0) return {};
  return { createdAt: bounds.length === 1 ? bounds[0] : And(...bounds) };
}

export interface ListResponse<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

/** Builds the list envelope from rows fetched with `limit + 1`. */
export function toList<Row, View>(rows: Row[], limit: number, view: (row: Row) => View): ListResponse<View> {
  return { object: 'list', data: rows.slice(0, limit).map(view), has_more: rows.length > limit };
}
