import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { EventsModule } from '../events/events.module';
import { PaymentsModule } from '../payments/payments.module';
import { StreamTokensModule } from '../stream-tokens/stream-tokens.module';
import { EventBusModule } from './bus/event-bus.module';
import { StreamController } from './stream.controller';
import { StreamHub } from './stream-hub';
import { StreamService } from './stream.service';
import { WsGateway } from './ws.gateway';

/** Live streams: SSE at /v1/events/stream and a WebSocket at /v1/ws, fed by the event bus. */
@Module({
  imports: [EventBusModule, EventsModule, PaymentsModule, ApiKeysModule, StreamTokensModule],
  controllers: [StreamController],
  providers: [StreamHub, StreamService, WsGateway],
})
export class StreamModule {}
