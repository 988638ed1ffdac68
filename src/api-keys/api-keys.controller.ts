import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { SkipIdempotency } from '../idempotency/skip-idempotency.decorator';
import { Actor } from '../common/actor';
import { ListQueryDto } from '../common/pagination';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyView } from './dto/api-key.view';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('API keys')
@ApiBearerAuth()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @SkipIdempotency() // a replay would have to store the secret, which is never stored
  @ApiOperation({ summary: 'Create an API key; the secret is shown only in this response' })
  @ApiCreatedResponse({ type: ApiKeyView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateApiKeyDto): Promise<ApiKeyView> {
    return this.apiKeys.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys, newest first (never includes secrets)' })
  list(@CurrentActor() actor: Actor, @Query() query: ListQueryDto) {
    return this.apiKeys.list(actor, query);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key (the last active key cannot be revoked)' })
  @ApiOkResponse({ type: ApiKeyView })
  revoke(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ApiKeyView> {
    return this.apiKeys.revoke(actor, id);
  }
}
