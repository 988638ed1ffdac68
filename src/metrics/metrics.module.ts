import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** Global: any feature can feed a metric (deliveries, streams, connectors). The scrape route is MetricsHttpModule. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
