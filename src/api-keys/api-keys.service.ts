import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, LessThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ClockService } from '../clock/clock.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { createdWithin, ListQueryDto, ListResponse, toList } from '../common/pagination';
import { API_KEY_PREFIX, generateSecret, hashesMatch, hashSecret } from './api-key-secret';
import { ApiKeyView, toApiKeyView } from './dto/api-key.view';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeyEntity } from './entities/api-key.entity';

export interface AuthenticatedKey {
  merchantId: string;
  apiKeyId: string;
}

interface CachedKey {
  key: AuthenticatedKey | null;
  expiresAt: number;
}

// Another API instance sees a revocation within this window; this instance sees it at once.
const AUTH_CACHE_TTL_MS = 1_000;
const AUTH_CACHE_MAX = 10_000;
const LAST_USED_RESOLUTION_MS = 10_000;

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly authCache = new Map<string, CachedKey>();
  /** Lookups on their way: concurrent requests with one key share one (no burst of them when the cache expires). */
  private readonly lookups = new Map<string, Promise<AuthenticatedKey | null>>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly clock: ClockService,
    private readonly audit: AuditService,
  ) {}

  /** Creates a key inside the caller's transaction; the secret is returned once and never stored. */
  async issue(manager: EntityManager, merchantId: string, name: string | null): Promise<ApiKeyView> {
    const secret = generateSecret();
    const row = manager.create(ApiKeyEntity, {
      id: newId('apiKey'),
      merchantId,
      name,
      secretHash: hashSecret(secret),
      prefix: API_KEY_PREFIX,
      last4: secret.slice(-4),
      lastUsedAt: null,
      revokedAt: null,
      createdAt: await this.clock.now(merchantId, manager),
    });
    await manager.insert(ApiKeyEntity, row);
    return toApiKeyView(row, secret);
  }

  create(actor: Actor, dto: CreateApiKeyDto): Promise<ApiKeyView> {
    return this.keys.manager.transaction(async (manager) => {
      const key = await this.issue(manager, actor.merchantId, dto.name ?? null);
      await this.audit.record(manager, actor, { kind: 'api_key', action: 'created', object_id: key.id, details: { name: key.name } });
      return key;
    });
  }

  async list(actor: Actor, query: ListQueryDto): Promise<ListResponse<ApiKeyView>> {
    const rows = await this.keys.find({
      where: {
        merchantId: actor.merchantId,
        ...(query.starting_after ? { id: LessThan(query.starting_after) } : {}),
        ...createdWithin(query.created),
      },
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    return toList(rows, query.limit, (row) => toApiKeyView(row));
  }

  /** Revokes a key; the merchant's last active key cannot be revoked (it would lock them out). */
  async revoke(actor: Actor, id: string): Promise<ApiKeyView> {
    const revoked = await this.keys.manager.transaction(async (manager) => {
      const active = await manager.find(ApiKeyEntity, {
        where: { merchantId: actor.merchantId, revokedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      const target = await manager.findOneBy(ApiKeyEntity, { id, merchantId: actor.merchantId });
      if (!target) throw DomainError.notFound('api_key', id);
      if (target.revokedAt) return target;
      if (active.length <= 1) {
        throw new DomainError('api_key_last_active', 'The last active API key cannot be revoked; create another key first.', 'id');
      }
      target.revokedAt = await this.clock.now(actor.merchantId, manager);
      await manager.update(ApiKeyEntity, { id }, { revokedAt: target.revokedAt });
      await this.audit.record(manager, actor, { kind: 'api_key', action: 'revoked', object_id: id, details: { name: target.name } });
      return target;
    });
    this.forget(revoked.secretHash);
    return toApiKeyView(revoked);
  }

  /** Resolves a presented secret to its merchant, or throws 401. Cached for a second. */
  async authenticate(secret: string): Promise<AuthenticatedKey> {
    const hash = hashSecret(secret);
    const cacheKey = hash.toString('base64');
    const cached = this.authCache.get(cacheKey);
    const now = Date.now();
    const key = cached && cached.expiresAt > now ? cached.key : await this.sharedLookup(hash, cacheKey, now);
    if (!key) throw new DomainError('api_key_invalid', 'Invalid API key provided.');
    return key;
  }

  private sharedLookup(hash: Buffer, cacheKey: string, now: number): Promise<AuthenticatedKey | null> {
    const inFlight = this.lookups.get(cacheKey);
    if (inFlight) return inFlight;
    const promise = this.lookup(hash, cacheKey, now).finally(() => {
      if (this.lookups.get(cacheKey) === promise) this.lookups.delete(cacheKey);
    });
    this.lookups.set(cacheKey, promise);
    return promise;
  }

  private async lookup(hash: Buffer, cacheKey: string, now: number): Promise<AuthenticatedKey | null> {
    const row = await this.keys.findOneBy({ secretHash: hash });
    const valid = row !== null && row.revokedAt === null && hashesMatch(row.secretHash, hash);
    const key = valid ? { merchantId: row.merchantId, apiKeyId: row.id } : null;
    if (this.authCache.size >= AUTH_CACHE_MAX) this.authCache.clear();
    this.authCache.set(cacheKey, { key, expiresAt: now + AUTH_CACHE_TTL_MS });
    if (valid && (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS)) {
      this.touch(row.id, row.merchantId);
    }
    return key;
  }

  private touch(id: string, merchantId: string): void {
    this.clock
      .now(merchantId)
      .then((lastUsedAt) => this.keys.update({ id }, { lastUsedAt }))
      .catch((error: Error) => {
        this.logger.warn(`Could not record last_used_at for ${id}: ${error.message}`);
      });
  }

  private forget(hash: Buffer): void {
    this.authCache.delete(hash.toString('base64'));
    this.lookups.delete(hash.toString('base64'));
  }

  /** Drops every cached lookup (after a merchant is deleted). */
  forgetAll(): void {
    this.authCache.clear();
    this.lookups.clear();
  }
}
