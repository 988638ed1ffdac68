import { Injectable, Logger } from '@nestjs/common';
import { CteStatement } from '../database/cte-statement';
import { RiskAssessment } from './outcome';
import { RiskSignals } from './predicate/attributes';
import { RiskRulesService } from './risk-rules.service';
import { firstMatchingRule } from './rule-evaluation';
import { amountInUsd, scorePayment } from './scoring';
import { cardFingerprint, VelocityService } from './velocity.service';

/** What the create pipeline knows about a card payment. */
export interface PaymentSignals {
  merchantId: string;
  amount: number;
  currency: string;
  cardNumber: string;
  cardBrand: string;
  /** ISO country of the card's issuer (from issue 14's BIN table); null when unknown. */
  cardCountry: string | null;
  /** ISO country of the client IP; null when unknown. */
  ipCountry: string | null;
  /** The payer's country (issue 14's payer_country); null when unknown. */
  payerCountry: string | null;
  ip: string | null;
  email: string | null;
  /** false when the request names an explicit `simulate` mode (it wins over the risk test cards). */
  testCardOverrides: boolean;
  /** The simulated issuer already flags this payment as fraud (test card 4100000000000019 / simulate=fraud_detected). */
  knownFraud: boolean;
}

export interface RiskDecision extends RiskAssessment {
  cardFingerprint: string;
}

/**
 * Risk for the create pipeline: counts velocity (this payment included), scores, runs the merchant's
 * rules. Never throws because of a rule (a rule that fails to evaluate counts as no match, logged).
 * request_3ds rules are not evaluated until the 3-D Secure flow exists (issue 13).
 */
@Injectable()
export class RiskService {
  private readonly logger = new Logger(RiskService.name);

  constructor(
    private readonly rules: RiskRulesService,
    private readonly velocity: VelocityService,
  ) {}

  async assess(input: PaymentSignals, now: Date): Promise<RiskDecision> {
    const fingerprint = cardFingerprint(input.merchantId, input.cardNumber);
    const [rules, counts] = await Promise.all([
      this.rules.parsedRules(input.merchantId, now),
      this.velocity.count(input.merchantId, { cardFingerprint: fingerprint, ip: input.ip, email: input.email }, now),
    ]);
    const usd = amountInUsd(input.amount, input.currency);
    const { score, level } = scorePayment({
      cardNumber: input.cardNumber,
      testCardOverrides: input.testCardOverrides,
      amountInUsd: usd,
      cardCountry: input.cardCountry,
      payerCountry: input.payerCountry,
      chargesPerCardHourly: counts.charges_per_card_hourly,
    });
    const base = { cardFingerprint: fingerprint, risk_score: score, risk_level: level };
    if (input.knownFraud) return { ...base, risk_score: 100, risk_level: 'highest', rule: null, blocked: true };
    const signals: RiskSignals = {
      ...counts,
      amount_in_usd: usd,
      risk_score: score,
      risk_level: level,
      currency: input.currency,
      card_country: input.cardCountry,
      ip_country: input.ipCountry,
      card_brand: input.cardBrand,
      card_bin: input.cardNumber.slice(0, 6),
      email_domain: input.email?.split('@').pop() ?? null,
    };
    const rule = firstMatchingRule(rules, signals, (failed, error) => this.logger.warn({ rule_id: failed.id, err: String(error) }, 'risk rule failed to evaluate; treated as no match'), ['request_3ds']);
    return { ...base, rule, blocked: rule?.action === 'block' };
  }

  /** Counts a declined or blocked payment in `declines_per_card_hourly` (in the creation statement). */
  appendDecline(statement: CteStatement, merchantId: string, decision: RiskDecision, now: Date): void {
    this.velocity.appendDecline(statement, merchantId, decision.cardFingerprint, now);
  }
}
