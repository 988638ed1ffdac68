import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { TimelineController } from './timeline.controller';
import { TimelineRegistryModule } from './timeline-registry.module';
import { TimelineService } from './timeline.service';

@Module({
  imports: [TimelineRegistryModule, PaymentsModule],
  controllers: [TimelineController],
  providers: [TimelineService],
})
export class TimelineModule {}
