import { Module } from '@nestjs/common';
import { TimelineRegistryModule } from '../timeline/timeline-registry.module';
import { EventTimelineSource } from './event-timeline.source';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventBusModule } from '../stream/bus/event-bus.module';
import { EventEntity } from './entities/event.entity';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { WebhooksModule } from '../webhooks/webhooks.module';

@Module({
  imports: [TimelineRegistryModule, TypeOrmModule.forFeature([EventEntity]), WebhooksModule, EventBusModule],
  controllers: [EventsController],
  providers: [EventTimelineSource, EventsService],
  exports: [EventsService],
})
export class EventsModule {}
