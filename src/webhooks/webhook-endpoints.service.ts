import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { createdWithin, ListQueryDto, ListResponse, toList } from '../common/pagination';
import { ClockService } from '../clock/clock.service';
import { AppConfig } from '../config/app-config';
import { resolvesToPrivateAddress } from './delivery/url-guard';
import { generateWebhookSecret } from './delivery/webhook-signature';
import { CreateWebhookEndpointDto } from './dto/create-webhook-endpoint.dto';
import { UpdateWebhookEndpointDto } from './dto/update-webhook-endpoint.dto';
import { DeletedWebhookEndpointView, toWebhookEndpointView, WebhookEndpointView } from './dto/webhook-endpoint.view';
import { WebhookEndpointEntity } from './entities/webhook-endpoint.entity';
import { ALL_EVENTS } from './webhook-event-types';

const SECRET_OVERLAP_MS = 24 * 3600 * 1000;

@Injectable()
export class WebhookEndpointsService {
  constructor(
    @InjectRepository(WebhookEndpointEntity) private readonly endpoints: Repository<WebhookEndpointEntity>,
    private readonly config: AppConfig,
    private readonly clock: ClockService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, dto: CreateWebhookEndpointDto): Promise<WebhookEndpointView> {
    const url = await this.checkUrl(dto.url);
    const now = await this.clock.now(actor.merchantId);
    const row: WebhookEndpointEntity = {
      id: newId('webhookEndpoint'),
      merchantId: actor.merchantId,
      url,
      enabledEvents: normalizeEvents(dto.enabled_events ?? [ALL_EVENTS]),
      description: dto.description ?? null,
      status: 'enabled',
      secret: generateWebhookSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.endpoints.manager.transaction(async (manager) => {
      await manager.insert(WebhookEndpointEntity, row);
      await this.audit.record(manager, actor, {
        kind: 'webhook_endpoint',
        action: 'created',
        object_id: row.id,
        details: { url: row.url, enabled_events: row.enabledEvents },
      });
    });
    return toWebhookEndpointView(row, now, { withSecret: true });
  }

  async list(actor: Actor, query: ListQueryDto): Promise<ListResponse<WebhookEndpointView>> {
    const rows = await this.endpoints.find({
      where: {
        merchantId: actor.merchantId,
        ...(query.starting_after ? { id: LessThan(query.starting_after) } : {}),
        ...createdWithin(query.created),
      },
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    const now = await this.clock.now(actor.merchantId);
    return toList(rows, query.limit, (row) => toWebhookEndpointView(row, now));
  }

  async get(actor: Actor, id: string): Promise<WebhookEndpointView> {
    const row = await this.find(actor, id);
    return toWebhookEndpointView(row, await this.clock.now(actor.merchantId));
  }

  async update(actor: Actor, id: string, dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointView> {
    const row = await this.find(actor, id);
    if (dto.url !== undefined) row.url = await this.checkUrl(dto.url);
    if (dto.enabled_events !== undefined) row.enabledEvents = normalizeEvents(dto.enabled_events);
    if (dto.description !== undefined) row.description = dto.description;
    if (dto.status !== undefined) row.status = dto.status;
    row.updatedAt = await this.clock.now(actor.merchantId);
    await this.endpoints.manager.transaction(async (manager) => {
      await manager.update(
        WebhookEndpointEntity,
        { id: row.id },
        { url: row.url, enabledEvents: row.enabledEvents, description: row.description, status: row.status, updatedAt: row.updatedAt },
      );
      await this.audit.record(manager, actor, { kind: 'webhook_endpoint', action: 'updated', object_id: row.id, details: auditedChanges(dto, row) });
    });
    return toWebhookEndpointView(row, row.updatedAt);
  }

  async remove(actor: Actor, id: string): Promise<DeletedWebhookEndpointView> {
    const row = await this.find(actor, id);
    await this.endpoints.manager.transaction(async (manager) => {
      await manager.delete(WebhookEndpointEntity, { id: row.id });
      await this.audit.record(manager, actor, { kind: 'webhook_endpoint', action: 'deleted', object_id: row.id, details: { url: row.url } });
    });
    return { id: row.id, object: 'webhook_endpoint', deleted: true };
  }

  /** New secret now; the old one keeps signing (as a second `v1,` entry) for 24 h. */
  async rotateSecret(actor: Actor, id: string): Promise<WebhookEndpointView> {
    const row = await this.find(actor, id);
    const now = await this.clock.now(actor.merchantId);
    row.previousSecret = row.secret;
    row.previousSecretExpiresAt = new Date(now.getTime() + SECRET_OVERLAP_MS);
    row.secret = generateWebhookSecret();
    row.updatedAt = now;
    await this.endpoints.manager.transaction(async (manager) => {
      await manager.update(
        WebhookEndpointEntity,
        { id: row.id },
        { secret: row.secret, previousSecret: row.previousSecret, previousSecretExpiresAt: row.previousSecretExpiresAt, updatedAt: now },
      );
      // Never the secrets themselves: only when the old one stops signing.
      await this.audit.record(manager, actor, {
        kind: 'webhook_endpoint',
        action: 'rotated_secret',
        object_id: row.id,
        details: { previous_secret_expires_at: row.previousSecretExpiresAt!.toISOString() },
      });
    });
    return toWebhookEndpointView(row, now, { withSecret: true });
  }

  /** The endpoint of this merchant (404 otherwise, also for another merchant's id). */
  async find(actor: Actor, id: string): Promise<WebhookEndpointEntity> {
    const row = await this.endpoints.findOneBy({ id, merchantId: actor.merchantId });
    if (!row) throw DomainError.notFound('webhook endpoint', id);
    return row;
  }

  private async checkUrl(raw: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DomainError('parameter_invalid', 'url must be an absolute http(s) URL', 'url');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new DomainError('parameter_invalid', 'url must use http or https', 'url');
    }
    if (url.username || url.password) {
      throw new DomainError('parameter_invalid', 'url must not contain credentials', 'url');
    }
    if (this.config.webhookBlockPrivateUrls && (await resolvesToPrivateAddress(url))) {
      throw new DomainError(
        'webhook_url_not_allowed',
        'url points to a private, loopback or link-local address, which WEBHOOK_BLOCK_PRIVATE_URLS forbids',
        'url',
      );
    }
    return url.toString();
  }
}

/** The fields an update set, with their stored (normalized) values; an endpoint update carries no secret. */
function auditedChanges(dto: UpdateWebhookEndpointDto, row: WebhookEndpointEntity): Record<string, unknown> {
  const stored: Record<keyof UpdateWebhookEndpointDto, unknown> = {
    url: row.url,
    enabled_events: row.enabledEvents,
    description: row.description,
    status: row.status,
  };
  const changed = (Object.keys(stored) as Array<keyof UpdateWebhookEndpointDto>).filter((field) => dto[field] !== undefined);
  return { changed, ...Object.fromEntries(changed.map((field) => [field, stored[field]])) };
}

/** `*` subsumes everything; otherwise unique types in a stable order. */
function normalizeEvents(events: string[]): string[] {
  if (events.includes(ALL_EVENTS)) return [ALL_EVENTS];
  return [...new Set(events)].sort();
}
