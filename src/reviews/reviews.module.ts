import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { TimelineRegistryModule } from '../timeline/timeline-registry.module';
import { ReviewEntity } from './entities/review.entity';
import { ReviewTimelineSource } from './review-timeline.source';
import { ReviewsController } from './reviews.controller';
import { ReviewsService } from './reviews.service';

@Module({
  imports: [TimelineRegistryModule, TypeOrmModule.forFeature([ReviewEntity]), EventsModule],
  controllers: [ReviewsController],
  providers: [ReviewsService, ReviewTimelineSource],
  exports: [ReviewsService],
})
export class ReviewsModule {}
