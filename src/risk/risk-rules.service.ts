import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ClockService } from '../clock/clock.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { CreateRiskRuleDto } from './dto/create-risk-rule.dto';
import { DeletedRiskRuleView, RiskRuleListView, RiskRuleView, toRiskRuleView } from './dto/risk-rule.view';
import { RiskRuleEntity } from './entities/risk-rule.entity';
import { parsePredicate } from './predicate/parser';
import { PredicateError } from './predicate/predicate-error';
import { ParsedRule, RULE_ACTIONS } from './rule-evaluation';

/** The rules every merchant starts with (created on first use; listed and deletable). */
export const DEFAULT_RULES = [
  { action: 'block', predicate: ":risk_level: = 'highest'" },
  { action: 'review', predicate: ":risk_level: = 'elevated'" },
] as const;

interface RuleRow {
  id: string;
  merchant_id: string;
  action: RiskRuleEntity['action'];
  predicate: string;
  created_at: Date;
}

@Injectable()
export class RiskRulesService {
  private readonly logger = new Logger(RiskRulesService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: ClockService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor): Promise<RiskRuleListView> {
    const rows = await this.load(actor.merchantId, await this.clock.now(actor.merchantId));
    return { object: 'list', data: rows.map(toRiskRuleView), has_more: false };
  }

  async create(actor: Actor, dto: CreateRiskRuleDto): Promise<RiskRuleView> {
    checkPredicate(dto.predicate);
    const now = await this.clock.now(actor.merchantId);
    await this.load(actor.merchantId, now);
    const row: RiskRuleEntity = { id: newId('riskRule'), merchantId: actor.merchantId, action: dto.action, predicate: dto.predicate, createdAt: now };
    await this.db.transaction(async (manager) => {
      await manager.insert(RiskRuleEntity, row);
      await this.audit.record(manager, actor, { kind: 'rule', action: 'created', object_id: row.id, details: { action: row.action, predicate: row.predicate } });
    });
    return toRiskRuleView(row);
  }

  async remove(actor: Actor, id: string): Promise<DeletedRiskRuleView> {
    await this.load(actor.merchantId, await this.clock.now(actor.merchantId));
    await this.db.transaction(async (manager) => {
      const row = await manager.findOne(RiskRuleEntity, { where: { id, merchantId: actor.merchantId }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw DomainError.notFound('risk rule', id);
      await manager.delete(RiskRuleEntity, { id: row.id, merchantId: actor.merchantId });
      await this.audit.record(manager, actor, { kind: 'rule', action: 'deleted', object_id: id, details: { action: row.action, predicate: row.predicate } });
    });
    return { id, object: 'risk_rule', deleted: true };
  }

  /**
   * The merchant's rules parsed, for payment time (inside a transaction pass its `manager`: the
   * embedded database has one connection). A rule that no longer parses is skipped and logged.
   */
  async parsedRules(merchantId: string, now: Date, manager?: EntityManager): Promise<ParsedRule[]> {
    const rows = await this.load(merchantId, now, manager);
    return rows.flatMap((row) => {
      try {
        return [{ id: row.id, action: row.action, predicate: row.predicate, ast: parsePredicate(row.predicate) }];
      } catch (error) {
        this.logger.warn({ rule_id: row.id, err: String(error) }, 'risk rule skipped: its predicate does not parse');
        return [];
      }
    });
  }

  /**
   * The merchant's rules in evaluation order; the first call for a merchant creates the defaults
   * (one statement: the marker row and the default rules commit together, other merchants untouched).
   */
  private async load(merchantId: string, now: Date, manager: EntityManager = this.db.manager): Promise<RiskRuleEntity[]> {
    const ids = DEFAULT_RULES.map(() => newId('riskRule'));
    const rows: RuleRow[] = await manager.query(
      `WITH seeded AS (
         INSERT INTO risk_rule_defaults (merchant_id, created_at) VALUES ($1, $2) ON CONFLICT (merchant_id) DO NOTHING RETURNING merchant_id
       ), defaults AS (
         INSERT INTO risk_rules (id, merchant_id, action, predicate, created_at)
         SELECT d.id, s.merchant_id, d.action, d.predicate, $2 FROM seeded s
           CROSS JOIN unnest($3::text[], $4::text[], $5::text[]) AS d (id, action, predicate)
         RETURNING *
       )
       SELECT * FROM defaults UNION ALL SELECT * FROM risk_rules WHERE merchant_id = $1`,
      [merchantId, now, ids, DEFAULT_RULES.map((rule) => rule.action), DEFAULT_RULES.map((rule) => rule.predicate)],
    );
    return rows.map(toEntity).sort(byEvaluationOrder);
  }
}

function toEntity(row: RuleRow): RiskRuleEntity {
  return { id: row.id, merchantId: row.merchant_id, action: row.action, predicate: row.predicate, createdAt: new Date(row.created_at) };
}

function byEvaluationOrder(a: RiskRuleEntity, b: RiskRuleEntity): number {
  const byAction = RULE_ACTIONS.indexOf(a.action) - RULE_ACTIONS.indexOf(b.action);
  return byAction !== 0 ? byAction : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Parses the predicate at creation: any problem is a 400 on `predicate` naming the position. */
function checkPredicate(predicate: string): void {
  try {
    parsePredicate(predicate);
  } catch (error) {
    if (error instanceof PredicateError) throw new DomainError('parameter_invalid', error.message, 'predicate');
    throw error;
  }
}
