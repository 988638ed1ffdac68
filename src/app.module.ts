import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ClockModule } from './clock/clock.module';
import { TestClockModule } from './clock/test-clock.module';
import { ConnectorHealthModule } from './connectors/connector-health.module';
import { ConnectorsModule } from './connectors/connectors.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { QueryParamsGuard } from './common/query-params.guard';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatabaseConnection } from './database/database-connection';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MerchantsModule } from './merchants/merchants.module';
import { PaymentsModule } from './payments/payments.module';
import { CustomerActionsModule } from './customer-actions/customer-actions.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RefundsModule } from './refunds/refunds.module';
import { ReviewsModule } from './reviews/reviews.module';
import { RiskModule } from './risk/risk.module';
import { RoutingModule } from './routing/routing.module';
import { SchedulingModule } from './scheduling/scheduling.module';
import { WorkerModule } from './webhooks/worker/worker.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuditModule } from './audit/audit.module';
import { MetricsHttpModule } from './metrics/metrics-http.module';
import { MetricsModule } from './metrics/metrics.module';
import { StreamModule } from './stream/stream.module';
import { StreamTokensModule } from './stream-tokens/stream-tokens.module';
import { TimelineModule } from './timeline/timeline.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, connection: DatabaseConnection): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(connection, config.runMigrations),
        ClockModule,
        SchedulingModule,
        TestClockModule,
        MetricsModule,
        ApiKeysModule,
        MerchantsModule,
        PaymentsModule,
        CustomerActionsModule,
        RefundsModule,
        RiskModule,
        ReviewsModule,
        ConnectorsModule,
        RoutingModule,
        IdempotencyModule,
        RateLimitModule,
        EventsModule,
        HealthModule,
        DashboardModule,
        // Observability (issue 17): timeline, audit log, live streams, metrics, analytics.
        TimelineModule,
        AuditModule,
        StreamTokensModule,
        StreamModule,
        MetricsHttpModule,
        AnalyticsModule,
        // Webhook delivery runs in this process too, unless it is an API-only process (start:api).
        ...(config.processRole === 'api' ? [] : [WorkerModule.forRoot(config), ConnectorHealthModule]),
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        // After ApiKeyGuard (guards run in this order): the rate limit is per authenticated API key.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: QueryParamsGuard },
      ],
    };
  }
}
