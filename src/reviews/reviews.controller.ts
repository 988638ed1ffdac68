import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { ListReviewsQueryDto } from './dto/list-reviews.query';
import { ReviewListView, ReviewView } from './dto/review.view';
import { ReviewsService } from './reviews.service';

@ApiTags('Reviews')
@ApiBearerAuth()
@Controller('v1/reviews')
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Get()
  @ApiOperation({ summary: 'Reviews, newest first', description: 'A review opens when a review rule matches a payment that then succeeds.' })
  @ApiOkResponse({ type: ReviewListView })
  list(@CurrentActor() actor: Actor, @Query() query: ListReviewsQueryDto) {
    return this.reviews.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Retrieve a review' })
  @ApiOkResponse({ type: ReviewView })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ReviewView> {
    return this.reviews.get(actor, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve: closes the review (closed_reason approved); 409 review_not_open when already closed' })
  @ApiOkResponse({ type: ReviewView })
  approve(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ReviewView> {
    return this.reviews.approve(actor, id);
  }
}
