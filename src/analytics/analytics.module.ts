import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsService } from './analytics.service';

@Module({ imports: [PaymentsModule], controllers: [AnalyticsController], providers: [AnalyticsService] })
export class AnalyticsModule {}
