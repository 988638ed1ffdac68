import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TestClockController } from './test-clock.controller';
import { TestClockService } from './test-clock.service';

/** The /v1/test-clock routes (API processes). ClockService and ScheduledActionsService are global. */
@Module({
  imports: [AuditModule],
  controllers: [TestClockController],
  providers: [TestClockService],
})
export class TestClockModule {}
