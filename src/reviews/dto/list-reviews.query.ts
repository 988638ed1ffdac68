import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ListQueryDto } from '../../common/pagination';
import { REVIEW_STATUSES, ReviewStatus } from '../entities/review.entity';

export class ListReviewsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: REVIEW_STATUSES, example: 'open', description: 'Only reviews with this status.' })
  @IsOptional()
  @IsIn(REVIEW_STATUSES, { message: `status must be one of: ${REVIEW_STATUSES.join(', ')}` })
  status?: ReviewStatus;
}
