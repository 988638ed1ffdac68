import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnlyWhenConfigured } from '../auth/public.decorator';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { CreateMerchantDto } from './dto/create-merchant.dto';
import { MerchantView } from './dto/merchant.view';
import { MerchantsService } from './merchants.service';

@ApiTags('Merchants')
@Controller('v1/merchants')
export class MerchantsController {
  constructor(private readonly merchants: MerchantsService) {}

  @Post()
  @AdminOnlyWhenConfigured()
  @ApiOperation({ summary: 'Sign up a merchant; the response carries its first API key secret (shown once)' })
  @ApiCreatedResponse({ type: MerchantView })
  create(@Body() dto: CreateMerchantDto): Promise<MerchantView> {
    return this.merchants.create(dto);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: "The calling key's merchant" })
  @ApiOkResponse({ type: MerchantView })
  me(@CurrentActor() actor: Actor): Promise<MerchantView> {
    return this.merchants.get(actor);
  }

  @Delete('me')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete the merchant and all its data (CI teardown)' })
  @ApiNoContentResponse()
  remove(@CurrentActor() actor: Actor): Promise<void> {
    return this.merchants.delete(actor);
  }
}
