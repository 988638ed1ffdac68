import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { AttemptsRepository } from './attempts.repository';
import { CircuitBreakerService } from './circuit-breaker.service';
import { ConnectorCallsService } from './connector-calls.service';
import { ConnectorsController } from './connectors.controller';
import { ConnectorsRepository } from './connectors.repository';
import { ConnectorsService } from './connectors.service';

/** Simulated connectors, their circuit breakers and call log (tables connectors, payment_attempts). */
@Module({
  imports: [EventsModule],
  controllers: [ConnectorsController],
  providers: [ConnectorsService, ConnectorsRepository, AttemptsRepository, CircuitBreakerService, ConnectorCallsService],
  exports: [ConnectorsService, ConnectorCallsService, ConnectorsRepository],
})
export class ConnectorsModule {}
