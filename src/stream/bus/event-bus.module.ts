import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { EVENT_BUS, EventBus } from './event-bus';
import { InProcessEventBus } from './in-process-event-bus';
import { PostgresEventBus } from './postgres-event-bus';
import { RedisEventBus } from './redis-event-bus';

/** The one place that picks the bus: Redis when configured, else Postgres NOTIFY, else (embedded) in-process. */
function createEventBus(config: AppConfig, db: DataSource): EventBus {
  if (config.redisUrl) return new RedisEventBus(config.redisUrl, config.redisKeyPrefix);
  if (config.databaseUrl) return new PostgresEventBus(db, config.databaseUrl);
  return new InProcessEventBus();
}

@Module({
  providers: [{ provide: EVENT_BUS, inject: [AppConfig, getDataSourceToken()], useFactory: createEventBus }],
  exports: [EVENT_BUS],
})
export class EventBusModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
