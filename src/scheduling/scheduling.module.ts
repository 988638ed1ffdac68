import { Global, Module } from '@nestjs/common';
import { ScheduledActionsService } from './scheduled-actions.service';

/** Global: any module schedules work and registers its handlers through ScheduledActionsService. */
@Global()
@Module({
  providers: [ScheduledActionsService],
  exports: [ScheduledActionsService],
})
export class SchedulingModule {}
