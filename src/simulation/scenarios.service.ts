import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { ListQueryDto, ListResponse, toList } from '../common/pagination';
import { ClockService } from '../clock/clock.service';
import { CteStatement } from '../database/cte-statement';
import { CreateScenarioDto, ScenarioMatchDto } from './dto/create-scenario.dto';
import { DeletedScenarioView, ScenarioView, toScenarioView } from './dto/scenario.view';
import { SimulationScenarioEntity } from './entities/simulation-scenario.entity';
import { PaymentSimulateValue } from './simulation-vocabulary';

/** What a payment create offers to match on. */
export interface ScenarioCandidate {
  cardLast4: string | null;
  customerEmail: string | null;
  metadata: Record<string, string>;
}

/**
 * Takes the next outcome of the newest matching scenario. One statement: the row lock of the
 * UPDATE serialises concurrent creates and each sees the previous one's increment (READ COMMITTED
 * re-checks the updated row), so N concurrent creates take N distinct positions.
 */
/** The CTE a create's first statement gets: one row (`outcome`) when a scenario matched, else none. */
export const SCENARIO_CTE = 'simulation_scenario_consumed';

/**
 * The consuming UPDATE; `outcome` is the one at the position taken (0-based position = consumed - 1,
 * so outcomes[consumed] in SQL's 1-based arrays): past the end, the last one (repeat_last) or the
 * position modulo the length (cycle).
 */
const consumeSql = (merchant: string, cardLast4: string, email: string, metadata: string) => `
  UPDATE simulation_scenarios SET consumed = consumed + 1
   WHERE id = (SELECT id FROM simulation_scenarios
                WHERE merchant_id = ${merchant}
                  AND (match_card_last4 IS NULL OR match_card_last4 = ${cardLast4})
                  AND (match_customer_email IS NULL OR match_customer_email = ${email})
                  AND (match_metadata IS NULL OR ${metadata}::jsonb @> match_metadata)
                ORDER BY id DESC
                LIMIT 1)
  RETURNING CASE WHEN consumed <= cardinality(outcomes) THEN outcomes[consumed]
                 WHEN then_mode = 'cycle' THEN outcomes[(consumed - 1) % cardinality(outcomes) + 1]
                 ELSE outcomes[cardinality(outcomes)] END AS outcome`;

@Injectable()
export class ScenariosService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: ClockService,
  ) {}

  async create(actor: Actor, dto: CreateScenarioDto): Promise<ScenarioView> {
    const match = normalizeMatch(dto.match);
    const row = Object.assign(new SimulationScenarioEntity(), {
      id: newId('simulationScenario'),
      merchantId: actor.merchantId,
      matchCardLast4: match.card_last4 ?? null,
      matchCustomerEmail: match.customer_email ?? null,
      matchMetadata: match.metadata ?? null,
      outcomes: dto.outcomes,
      thenMode: dto.then ?? 'repeat_last',
      consumed: 0,
      createdAt: await this.clock.now(actor.merchantId),
    } satisfies SimulationScenarioEntity);
    await this.db.manager.insert(SimulationScenarioEntity, row);
    return toScenarioView(row);
  }

  async list(actor: Actor, query: ListQueryDto): Promise<ListResponse<ScenarioView>> {
    const rows = await this.db.manager.find(SimulationScenarioEntity, {
      where: { merchantId: actor.merchantId, ...(query.starting_after ? { id: LessThan(query.starting_after) } : {}) },
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    return toList(rows, query.limit, toScenarioView);
  }

  async get(actor: Actor, id: string): Promise<ScenarioView> {
    return toScenarioView(await this.find(actor, id));
  }

  async remove(actor: Actor, id: string): Promise<DeletedScenarioView> {
    const result = await this.db.manager.delete(SimulationScenarioEntity, { id, merchantId: actor.merchantId });
    if (!result.affected) throw DomainError.notFound('simulation scenario', id);
    return { id, object: 'simulation_scenario', deleted: true };
  }

  /**
   * Takes the next outcome for a payment create in a statement of several modules' work: the CTE
   * SCENARIO_CTE and the column `scenario_outcome` (null when no scenario matches: nothing consumed).
   */
  appendNextOutcome(statement: CteStatement, merchantId: string, candidate: ScenarioCandidate): (row: Record<string, unknown>) => PaymentSimulateValue | undefined {
    const p = (value: unknown) => statement.param(value);
    const email = candidate.customerEmail?.toLowerCase() ?? null;
    statement.with(SCENARIO_CTE, consumeSql(p(merchantId), p(candidate.cardLast4), p(email), p(JSON.stringify(candidate.metadata))));
    statement.select('scenario_outcome', `SELECT outcome FROM ${SCENARIO_CTE}`);
    return (row) => (row.scenario_outcome ?? undefined) as PaymentSimulateValue | undefined;
  }

  private async find(actor: Actor, id: string): Promise<SimulationScenarioEntity> {
    const row = await this.db.manager.findOneBy(SimulationScenarioEntity, { id, merchantId: actor.merchantId });
    if (!row) throw DomainError.notFound('simulation scenario', id);
    return row;
  }
}

function normalizeMatch(match: ScenarioMatchDto): ScenarioMatchDto {
  // null is "not given" for every criterion (the validators let it through as optional).
  if (match.metadata !== undefined && match.metadata !== null && Object.keys(match.metadata).length === 0) {
    throw new DomainError('parameter_invalid', 'match.metadata must name at least one key/value pair.', 'match.metadata');
  }
  if (!match.card_last4 && !match.customer_email && !match.metadata) {
    throw new DomainError('parameter_invalid', 'match must name at least one of card_last4, customer_email or metadata.', 'match');
  }
  return { ...match, ...(match.customer_email ? { customer_email: match.customer_email.toLowerCase() } : {}) };
}
