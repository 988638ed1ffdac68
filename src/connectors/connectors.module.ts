import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TimelineRegistryModule } from '../timeline/timeline-registry.module';
import { EventsModule } from '../events/events.module';
import { AttemptTimelineSource } from './attempt-timeline.source';
import { AttemptsRepository } from './attempts.repository';
import { CircuitBreakerService } from './circuit-breaker.service';
import { ConnectorCallsService } from './connector-calls.service';
import { ConnectorsController } from './connectors.controller';
import { ConnectorsRepository } from './connectors.repository';
import { ConnectorsService } from './connectors.service';

/** Simulated connectors, their circuit breakers and call log (tables connectors, payment_attempts). */
@Module({
  imports: [AuditModule, EventsModule, TimelineRegistryModule],
  controllers: [ConnectorsController],
  providers: [AttemptTimelineSource, ConnectorsService, ConnectorsRepository, AttemptsRepository, CircuitBreakerService, ConnectorCallsService],
  exports: [ConnectorsService, ConnectorCallsService, ConnectorsRepository],
})
export class ConnectorsModule {}
