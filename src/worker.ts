import 'reflect-metadata';
import { DynamicModule, INestApplicationContext, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createAppLogger, createPinoLogger } from './logging/logger';
import { closeOnSignals } from './common/shutdown';
import { AppConfig } from './config/app-config';
import { ClockModule } from './clock/clock.module';
import { ConfigModule } from './config/config.module';
import { ConnectorHealthModule } from './connectors/connector-health.module';
import { DatabaseConnection, resolveDatabaseConnection } from './database/database-connection';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { PaymentsModule } from './payments/payments.module';
import { CustomerActionsModule } from './customer-actions/customer-actions.module';
import { SchedulingModule } from './scheduling/scheduling.module';
import { checkDependencies, exitOnStartupError } from './startup-errors';
import { WorkerModule } from './webhooks/worker/worker.module';


/** The worker process: no HTTP; webhook delivery (BullMQ Worker + sweeper, or the in-process poller), scheduled actions and the connector health job. */
@Module({})
class WorkerAppModule {
  static forRoot(config: AppConfig, connection: DatabaseConnection): DynamicModule {
    return {
      module: WorkerAppModule,
      // Migrations belong to the API process; a worker started first just retries until the tables exist.
      // PaymentsModule (and any module that registers scheduled-action handlers) so this process can run them.
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(connection, false),
        ClockModule,
        SchedulingModule,
        MetricsModule,
        HealthModule,
        PaymentsModule,
        CustomerActionsModule,
        WorkerModule.forRoot(config),
        ConnectorHealthModule,
      ],
    };
  }
}

export interface SandboxWorker {
  app: INestApplicationContext;
  close(): Promise<void>;
}

/** Builds and starts a worker context. Used by `npm run start:worker` and by the e2e tests. */
export async function createSandboxWorker(config: AppConfig): Promise<SandboxWorker> {
  const connection = await resolveDatabaseConnection(config);
  let app: INestApplicationContext;
  try {
    app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(config, connection), {
      logger: createAppLogger(createPinoLogger(config), config.logLevel),
      abortOnError: false,
    });
    await app.init();
  } catch (error) {
    await connection.close?.().catch(() => undefined);
    throw error;
  }
  return {
    app,
    async close() {
      await app.close();
      await connection.close?.();
    },
  };
}

let config: AppConfig | undefined;

async function bootstrap(): Promise<void> {
  config = AppConfig.fromEnv(process.env, { PROCESS_ROLE: 'worker' });
  await checkDependencies(config);
  const worker = await createSandboxWorker(config);
  const logger = new Logger('PaymentSandboxWorker');
  logger.log(`Webhook worker started · queue: ${config.redisUrl ? 'redis (BullMQ)' : 'in-process (database poller)'}`);
  closeOnSignals(logger, 'finishing deliveries in flight, then exiting', () => worker.close());
}

if (require.main === module) {
  bootstrap().catch((error: unknown) => exitOnStartupError(error, config));
}
