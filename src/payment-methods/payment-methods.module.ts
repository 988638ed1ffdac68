import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ThreeDSChallengeEntity } from './entities/three-ds-challenge.entity';
import { PaymentMethodsService } from './payment-methods.service';
import { StepTimers } from './step-timers';
import { ThreeDSChallengesService } from './three-ds-challenges.service';

/** Cards with 3-D Secure, UPI and M-Pesa: decisions, challenge tokens and the customer-step timers. */
@Module({
  imports: [TypeOrmModule.forFeature([ThreeDSChallengeEntity])],
  providers: [PaymentMethodsService, ThreeDSChallengesService, StepTimers],
  exports: [PaymentMethodsService, ThreeDSChallengesService, StepTimers],
})
export class PaymentMethodsModule {}
