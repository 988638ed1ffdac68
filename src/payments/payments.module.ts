import { Module } from '@nestjs/common';
import { TimelineRegistryModule } from '../timeline/timeline-registry.module';
import { PaymentTimelineSource } from './payment-timeline.source';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectorsModule } from '../connectors/connectors.module';
import { EventsModule } from '../events/events.module';
import { ReviewsModule } from '../reviews/reviews.module';
import { RiskModule } from '../risk/risk.module';
import { PaymentMethodsModule } from '../payment-methods/payment-methods.module';
import { RoutingModule } from '../routing/routing.module';
import { AuthorizationExpiry } from './authorization-expiry';
import { PaymentHistoryEntity } from './entities/payment-history.entity';
import { PaymentEntity } from './entities/payment.entity';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { CreationInputsService } from './creation-inputs.service';
import { SimulationModule } from '../simulation/simulation.module';

@Module({
  imports: [TimelineRegistryModule, TypeOrmModule.forFeature([PaymentEntity, PaymentHistoryEntity]), EventsModule, RoutingModule, ConnectorsModule, PaymentMethodsModule, SimulationModule, RiskModule, ReviewsModule],
  controllers: [PaymentsController],
  providers: [PaymentTimelineSource, PaymentsService, CreationInputsService, PaymentsRepository, AuthorizationExpiry],
  exports: [PaymentsService],
})
export class PaymentsModule {}
