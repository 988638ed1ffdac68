import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

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
