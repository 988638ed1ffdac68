import { Global, Module } from '@nestjs/common';
import { ClockService } from './clock.service';

/** Global: every module reads business time from ClockService. */
@Global()
@Module({
  providers: [ClockService],
  exports: [ClockService],
})
export class ClockModule {}
