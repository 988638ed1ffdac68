import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { SkipIdempotency } from '../idempotency/skip-idempotency.decorator';
import { CreateStreamTokenDto, StreamTokenView } from './dto/stream-token.dto';
import { StreamTokensService } from './stream-tokens.service';

@ApiTags('Live stream')
@ApiBearerAuth()
@Controller('v1/stream-tokens')
export class StreamTokensController {
  constructor(private readonly tokens: StreamTokensService) {}

  @Post()
  @SkipIdempotency() // like API keys: a replay would have to store the token, which is never stored
  @ApiOperation({
    summary: 'A short-lived token for browsers',
    description: 'EventSource cannot send headers: open `GET /v1/events/stream?token=…` or `/v1/ws?token=…` with it. Lives STREAM_TOKEN_TTL (15 min) unless ttl_seconds says otherwise; a revoked API key revokes its tokens.',
  })
  @ApiCreatedResponse({ type: StreamTokenView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateStreamTokenDto): Promise<StreamTokenView> {
    return this.tokens.issue(actor, dto?.ttl_seconds);
  }
}
