import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ClockService } from '../clock/clock.service';
import { Actor } from '../common/actor';
import { newId } from '../common/ids';
import { toList } from '../common/pagination';
import { AuditRecord } from './audit-kinds';
import { AuditLogListView, toAuditLogView } from './dto/audit-log.view';
import { ListAuditLogsQueryDto } from './dto/list-audit-logs.query';
import { AuditLogEntity } from './entities/audit-log.entity';

/** The audit trail of configuration changes. Other modules call `record`, in their transaction when they have one. */
@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditLogEntity) private readonly logs: Repository<AuditLogEntity>,
    private readonly clock: ClockService,
  ) {}

  /** Appends one entry: in `manager`'s transaction when given (so it commits with the change), else on its own. */
  async record(manager: EntityManager | null, actor: Actor, entry: AuditRecord): Promise<void> {
    const row: AuditLogEntity = {
      id: newId('auditLog'),
      merchantId: actor.merchantId,
      kind: entry.kind,
      action: entry.action,
      objectId: entry.object_id ?? null,
      apiKeyId: actor.apiKeyId ?? null,
      requestId: actor.requestId ?? null,
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
      details: entry.details ?? {},
      createdAt: await this.clock.now(actor.merchantId, manager ?? undefined),
    };
    // jsonb `details` is an open record, which TypeORM's deep-partial insert type cannot express.
    await (manager ?? this.logs.manager).insert(AuditLogEntity, row as QueryDeepPartialEntity<AuditLogEntity>);
  }

  async list(actor: Actor, query: ListAuditLogsQueryDto): Promise<AuditLogListView> {
    const rows = await this.logs.find({
      where: {
        merchantId: actor.merchantId,
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.starting_after ? { id: LessThan(query.starting_after) } : {}),
      },
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    return toList(rows, query.limit, toAuditLogView);
  }
}
