import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { CreateMerchantDto } from './dto/create-merchant.dto';
import { MerchantView, toMerchantView } from './dto/merchant.view';
import { MerchantEntity } from './entities/merchant.entity';

@Injectable()
export class MerchantsService {
  constructor(
    @InjectRepository(MerchantEntity) private readonly merchants: Repository<MerchantEntity>,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** Signs a merchant up with a first API key, both in one transaction. */
  create(dto: CreateMerchantDto): Promise<MerchantView> {
    return this.merchants.manager.transaction(async (manager) => {
      const id = newId('merchant');
      await manager.insert(MerchantEntity, { id, name: dto.name, email: dto.email ?? null });
      const merchant = await manager.findOneByOrFail(MerchantEntity, { id });
      const apiKey = await this.apiKeys.issue(manager, id, 'default');
      return toMerchantView(merchant, apiKey);
    });
  }

  async get(actor: Actor): Promise<MerchantView> {
    const merchant = await this.merchants.findOneBy({ id: actor.merchantId });
    if (!merchant) throw DomainError.notFound('merchant', actor.merchantId);
    return toMerchantView(merchant);
  }

  /** Deletes the merchant; foreign keys cascade to everything it owns. */
  async delete(actor: Actor): Promise<void> {
    await this.merchants.delete({ id: actor.merchantId });
    this.apiKeys.forgetAll();
  }
}
