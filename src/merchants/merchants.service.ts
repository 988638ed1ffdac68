import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiKeyView } from '../api-keys/dto/api-key.view';
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
      // A new merchant's clock is the wall clock (nobody can have moved it yet).
      const merchant = manager.create(MerchantEntity, { id, name: dto.name, email: dto.email ?? null, createdAt: new Date() });
      await manager.insert(MerchantEntity, merchant);
      const apiKey = await this.apiKeys.issue(manager, id, 'default');
      return toMerchantView(merchant, apiKey);
    });
  }

  /**
   * Start-up seeding: creates the merchant under a fixed id, with a first key, unless it exists
   * (ON CONFLICT DO NOTHING, so processes starting together are safe). Null when it already existed.
   */
  createIfMissing(id: string, dto: CreateMerchantDto): Promise<MerchantView | null> {
    return this.merchants.manager.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(MerchantEntity)
        .values({ id, name: dto.name, email: dto.email ?? null })
        .orIgnore()
        .returning('id')
        .execute();
      if ((inserted.raw as unknown[]).length === 0) return null;
      const merchant = await manager.findOneByOrFail(MerchantEntity, { id });
      const apiKey = await this.apiKeys.issue(manager, id, 'default');
      return toMerchantView(merchant, apiKey);
    });
  }

  /** Issues another key for a merchant outside any request (start-up seeding). */
  issueKey(merchantId: string, name: string): Promise<ApiKeyView> {
    return this.merchants.manager.transaction((manager) => this.apiKeys.issue(manager, merchantId, name));
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
