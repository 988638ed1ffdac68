import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ClockService } from '../clock/clock.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { CteStatement } from '../database/cte-statement';
import { newId } from '../common/ids';
import { ConnectorsService, RoutingConnector } from '../connectors/connectors.service';
import { paymentFacts } from '../payments/payment-facts';
import { EvaluateRoutingDto } from './dto/evaluate-routing.dto';
import { PutRoutingDto } from './dto/routing-config.dto';
import { RoutingEvaluationView, RoutingView } from './dto/routing.view';
import { decideRoute, RoutingDecision, RoutingFacts } from './routing-decision';
import { RoutingConfig } from './routing-config';
import { RoutingRepository } from './routing.repository';
import { toRoutingConfig } from './routing-validation';

export interface RoutePlan {
  decision: RoutingDecision;
  /** The connectors as the decision saw them (profiles, outages, circuits) for the calls. */
  connectors: RoutingConnector[];
}

@Injectable()
export class RoutingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repository: RoutingRepository,
    private readonly audit: AuditService,
    private readonly connectors: ConnectorsService,
    private readonly clock: ClockService,
  ) {}

  async get(actor: Actor): Promise<RoutingView> {
    return toView(await this.repository.find(actor.merchantId));
  }

  async put(actor: Actor, dto: PutRoutingDto): Promise<RoutingView> {
    const now = await this.clock.now(actor.merchantId);
    const known = new Set((await this.connectors.forRouting(actor.merchantId, now)).map((connector) => connector.id));
    const config = toRoutingConfig(dto, known);
    await this.db.transaction(async (manager) => {
      await this.repository.save(manager, actor.merchantId, config, now);
      await this.audit.record(manager, actor, { kind: 'routing', action: 'updated', details: auditedRouting(config) });
    });
    return toView(config);
  }

  /** The decision create would take for this body, now; writes nothing. */
  async evaluate(actor: Actor, dto: EvaluateRoutingDto): Promise<RoutingEvaluationView> {
    const facts = paymentFacts(dto, dto.payment_id ?? newId('payment'));
    const { decision } = await this.plan(actor.merchantId, facts.routing, dto.connector, await this.clock.now(actor.merchantId));
    return {
      object: 'routing_evaluation',
      rule: decision.rule,
      candidates: decision.candidates,
      order: decision.order,
      payer_country: facts.payer.country,
      payer_country_source: facts.payer.source,
    };
  }

  /** Decides where a payment goes. A forced connector that cannot take the payment is a 400. */
  async plan(merchantId: string, facts: RoutingFacts, forced: string | undefined, now: Date): Promise<RoutePlan> {
    const [config, connectors] = await Promise.all([this.repository.find(merchantId), this.connectors.forRouting(merchantId, now)]);
    return planOf(config, connectors, facts, forced);
  }

  /**
   * What plan reads, as columns of a statement of several modules' reads (a create's first round
   * trip); the returned function plans from that statement's row.
   */
  appendPlanInputs(statement: CteStatement, merchantId: string): (row: Record<string, unknown>, facts: RoutingFacts, forced: string | undefined, now: Date) => RoutePlan {
    this.repository.appendFind(statement, 'routing_config', merchantId);
    const connectorsOf = this.connectors.appendForRouting(statement, merchantId);
    return (row, facts, forced, now) =>
      planOf(this.repository.readAppended(row.routing_config as Parameters<RoutingRepository['readAppended']>[0]), connectorsOf(row, now), facts, forced);
  }
}

/** Throws parameter_invalid (param connector) when a forced connector cannot take the payment. */
function planOf(config: RoutingConfig, connectors: RoutingConnector[], facts: RoutingFacts, forced: string | undefined): RoutePlan {
  const routable = connectors.map((connector) => ({ ...connector, circuit: connector.routableCircuit }));
  const decision = decideRoute(config, routable, facts, forced);
  if (forced !== undefined && decision.order.length === 0) {
    const reason = decision.candidates[0]?.reason ?? 'unknown_connector';
    throw new DomainError('parameter_invalid', `Connector '${forced}' cannot take this payment (${reason}).`, 'connector', { reason });
  }
  return { decision, connectors };
}

/** What the audit entry says about new routing: its shape, not a copy of every rule. */
function auditedRouting(config: RoutingConfig): Record<string, unknown> {
  return { rules: config.rules.length, default: config.default, max_attempts: config.max_attempts };
}

function toView(config: RoutingConfig): RoutingView {
  return { object: 'routing', rules: config.rules, default: config.default, max_attempts: config.max_attempts };
}
