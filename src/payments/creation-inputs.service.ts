import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/actor';
import { CteStatement } from '../database/cte-statement';
import { RiskDecision, RiskService } from '../risk/risk.service';
import { RoutePlan, RoutingService } from '../routing/routing.service';
import { SimulationService } from '../simulation/simulation.service';
import { PaymentSimulateValue } from '../simulation/simulation-vocabulary';
import { CardDto, CreatePaymentDto } from './dto/create-payment.dto';
import { PaymentFacts } from './payment-facts';
import { paymentSignals } from './payment-risk';

/** What a create's decisions read from the database, in one round trip. */
export interface CreationInputs {
  /** The body's simulate, else the header's, else a matching scenario's next outcome. */
  requested: PaymentSimulateValue | undefined;
  /** Where the payment goes (throws parameter_invalid for a forced connector that cannot take it). */
  plan(forced: string | undefined): RoutePlan;
  /** A card payment's risk assessment (velocity already counted), given what the simulated issuer says. */
  risk: ((knownFraud: boolean) => RiskDecision) | null;
}

/**
 * The first of a create's two round trips: one statement that takes a matching simulation
 * scenario's next outcome, reads the routing config and the connectors and, for a card payment,
 * the merchant's risk rules and this payment's velocity counts (counted only when the scenario's
 * outcome is not a fault that commits nothing). Each module adds its own part to the statement.
 */
@Injectable()
export class CreationInputsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly simulation: SimulationService,
    private readonly routing: RoutingService,
    private readonly risk: RiskService,
  ) {}

  async load(
    actor: Actor,
    dto: CreatePaymentDto,
    card: CardDto | null,
    explicit: PaymentSimulateValue | undefined,
    facts: PaymentFacts,
    now: Date,
  ): Promise<CreationInputs> {
    const statement = new CteStatement();
    const scenario = this.simulation.appendRequestedPaymentOutcome(statement, actor, explicit, {
      cardLast4: card ? card.number.slice(-4) : null,
      customerEmail: dto.customer_email ?? null,
      metadata: dto.metadata ?? {},
    });
    const planOf = this.routing.appendPlanInputs(statement, actor.merchantId);
    const assessmentOf = card ? this.risk.appendAssessment(statement, paymentSignals(actor, dto, card, facts), now, scenario.commits?.()) : null;
    const [row]: Array<Record<string, unknown>> = await this.db.query(...statement.buildSelect());
    return {
      requested: scenario.read(row),
      plan: (forced) => planOf(row, facts.routing, forced, now),
      risk: assessmentOf ? (knownFraud) => assessmentOf(row, knownFraud) : null,
    };
  }
}
