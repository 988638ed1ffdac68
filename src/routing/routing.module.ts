import { Module } from '@nestjs/common';
import { ConnectorsModule } from '../connectors/connectors.module';
import { RoutingController } from './routing.controller';
import { RoutingRepository } from './routing.repository';
import { RoutingService } from './routing.service';

/** Routing rules (table routing_configs) and the routing decision. */
@Module({
  imports: [ConnectorsModule],
  controllers: [RoutingController],
  providers: [RoutingService, RoutingRepository],
  exports: [RoutingService],
})
export class RoutingModule {}
