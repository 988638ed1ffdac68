import { Global, Module } from '@nestjs/common';
import { TimelineRegistry } from './timeline.registry';

/** Global so any feature module can register a timeline source without importing the timeline route's dependencies. */
@Global()
@Module({ providers: [TimelineRegistry], exports: [TimelineRegistry] })
export class TimelineRegistryModule {}
