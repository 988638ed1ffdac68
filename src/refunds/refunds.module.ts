import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { ReviewsModule } from '../reviews/reviews.module';
import { PaymentsModule } from '../payments/payments.module';
import { RefundEntity } from './entities/refund.entity';
import { RefundsController } from './refunds.controller';
import { RefundFailure } from './refund-failure';
import { RefundsService } from './refunds.service';
import { SimulationModule } from '../simulation/simulation.module';

@Module({
  imports: [TypeOrmModule.forFeature([RefundEntity]), PaymentsModule, EventsModule, SimulationModule, ReviewsModule],
  controllers: [RefundsController],
  providers: [RefundsService, RefundFailure],
  exports: [RefundsService],
})
export class RefundsModule {}
