import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { DemoSeed } from './demo-seed';
import { MerchantEntity } from './entities/merchant.entity';
import { MerchantsController } from './merchants.controller';
import { MerchantsService } from './merchants.service';

@Module({
  imports: [TypeOrmModule.forFeature([MerchantEntity]), ApiKeysModule],
  controllers: [MerchantsController],
  providers: [MerchantsService, DemoSeed],
  exports: [MerchantsService, DemoSeed],
})
export class MerchantsModule {}
