import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { DatabaseConnection } from './database-connection';
import { dataSourceOptions } from './data-source-options';
import { runMigrationsExclusively } from './migration-lock';

@Module({})
export class DatabaseModule {
  static forRoot(connection: DatabaseConnection, runMigrations: boolean): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(connection.url, connection.poolSize, false),
            autoLoadEntities: true,
            retryAttempts: 0,
          }),
          // Migrations run here (not through TypeORM's migrationsRun) so concurrent starts take turns.
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options as DataSourceOptions).initialize();
            if (!runMigrations) return dataSource;
            try {
              await runMigrationsExclusively(dataSource);
            } catch (error) {
              await dataSource.destroy().catch(() => undefined);
              throw error;
            }
            return dataSource;
          },
        }),
      ],
    };
  }
}
