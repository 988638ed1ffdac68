import { Module } from '@nestjs/common';
import { ConnectorHealthJob } from './connector-health.job';
import { ConnectorsModule } from './connectors.module';

/** The worker side of connectors: the periodic health job. */
@Module({
  imports: [ConnectorsModule],
  providers: [ConnectorHealthJob],
  exports: [ConnectorHealthJob],
})
export class ConnectorHealthModule {}
