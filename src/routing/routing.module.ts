import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ConnectorsModule } from '../connectors/connectors.module';
import { RoutingController } from './routing.controller';
import { RoutingRepository } from './routing.repository';
import { RoutingService } from './routing.service';

/** Routing rules (table routing_configs) and the routing decision. */
@Module({
  imports: [AuditModule, ConnectorsModule],
  controllers: [RoutingController],
  providers: [RoutingService, RoutingRepository],
  exports: [RoutingService],
})
export class RoutingModule {}
