import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CteStatement } from '../database/cte-statement';
import { RiskSignals } from './predicate/attributes';
import { AfterChallenge, ChallengeEnd, CreationAssessment, decideAfterChallenge, judgeRules, ScoredPayment, ThreeDSHold } from './risk-decision';
import { RiskRulesService, RuleRow } from './risk-rules.service';
import { ParsedRule, RuleErrorHandler, RuleMatch } from './rule-evaluation';
import { amountInUsd, RiskLevel, scorePayment } from './scoring';
import { cardFingerprint, CountRow, DAY_MS, MERCHANT_NOW, VelocityCounts, VelocityService } from './velocity.service';

/** How often each process deletes risk rows nothing can use any more (wall clock; the rows' age is merchant time). */
const SWEEP_INTERVAL_MS = 10 * 60_000;

/** What the create pipeline knows about a card payment (risk runs for card payments only). */
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
}

export interface RiskDecision extends ScoredPayment {
  cardFingerprint: string;
  signals: RiskSignals;
}

interface HoldRow {
  card_fingerprint: string;
  signals: RiskSignals;
  rule: RuleMatch | null;
  deferred: boolean;
}

/**
 * Risk for card payments: counts velocity (this payment included), scores, runs the merchant's
 * rules — at creation, and for a payment that waited for 3-D Secure once the challenge is over.
 * Never throws because of a rule (a rule that fails to evaluate counts as no match, logged).
 */
@Injectable()
export class RiskService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RiskService.name);
  private readonly onRuleError: RuleErrorHandler = (failed, error) =>
    this.logger.warn({ rule_id: failed.id, err: String(error) }, 'risk rule failed to evaluate; treated as no match');
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly rules: RiskRulesService,
    private readonly velocity: VelocityService,
  ) {}

  onModuleInit(): void {
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  /**
   * Deletes what nothing can use any more: velocity rows out of every window, and holds of payments
   * whose challenge ended without reaching risk (a merchant cancel): older than the 3-D Secure
   * timeout plus a day, on each merchant's clock. Never throws.
   */
  async sweep(wallNow = new Date()): Promise<number> {
    const velocity = await this.velocity.sweep(wallNow);
    try {
      const [, holds] = (await this.db.query(
        `DELETE FROM risk_3ds_holds h WHERE h.created_at <= ${MERCHANT_NOW('h')} - $2 * interval '1 millisecond'`,
        [wallNow, this.config.threeDSecureTimeoutMs + DAY_MS],
      )) as [unknown, number];
      return velocity + holds;
    } catch (error) {
      this.logger.warn(`Risk hold sweep failed: ${(error as Error).message}`);
      return velocity;
    }
  }

  /**
   * Adds what a card payment's assessment reads to a create's first statement (the merchant's rules;
   * this payment's velocity, counted unless `countOnlyIf`, a SQL condition, is false) and returns the
   * assessment of that statement's row. `knownFraud` is the simulated issuer's, known only then.
   */
  appendAssessment(
    statement: CteStatement,
    input: PaymentSignals,
    now: Date,
    countOnlyIf?: string,
  ): (row: Record<string, unknown>, knownFraud: boolean) => RiskDecision {
    const fingerprint = cardFingerprint(input.merchantId, input.cardNumber);
    this.rules.appendLoad(statement, input.merchantId, now);
    this.velocity.appendCount(statement, input.merchantId, { cardFingerprint: fingerprint, ip: input.ip, email: input.email }, now, countOnlyIf);
    statement
      .select('risk_rules', `SELECT COALESCE(json_agg(r), '[]'::json) FROM risk_rules_loaded r`)
      .select('risk_counts', `SELECT COALESCE(json_agg(c), '[]'::json) FROM risk_velocity_counted c`);
    return (row, knownFraud) =>
      this.decide(
        input,
        fingerprint,
        knownFraud,
        this.rules.parsedRows(fromJson(row.risk_rules as RuleRow[] | string)),
        this.velocity.countsOf(fromJson(row.risk_counts as CountRow[] | string)),
      );
  }

  private decide(input: PaymentSignals, fingerprint: string, knownFraud: boolean, rules: ParsedRule[], counts: VelocityCounts): RiskDecision {
    const usd = amountInUsd(input.amount, input.currency);
    const scored = scorePayment({
      cardNumber: input.cardNumber,
      testCardOverrides: input.testCardOverrides,
      amountInUsd: usd,
      cardCountry: input.cardCountry,
      payerCountry: input.payerCountry,
      chargesPerCardHourly: counts.charges_per_card_hourly,
    });
    const [score, level]: [number, RiskLevel] = knownFraud ? [100, 'highest'] : [scored.score, scored.level];
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
    const verdict = knownFraud ? { kind: 'decided' as const, rule: null } : judgeRules(rules, signals, this.onRuleError);
    return { cardFingerprint: fingerprint, signals, risk_score: score, risk_level: level, knownFraud: knownFraud, verdict };
  }

  /** Counts a failed (declined or blocked) payment in `declines_per_card_hourly` (in the creation statement). */
  appendDecline(statement: CteStatement, merchantId: string, decision: RiskDecision, now: Date): void {
    this.velocity.appendDecline(statement, merchantId, decision.cardFingerprint, now);
  }

  /** Keeps what the challenge's end needs (in the creation statement of a payment that waits for 3-D Secure). */
  appendHold(statement: CteStatement, merchantId: string, paymentId: string, decision: RiskDecision, assessment: CreationAssessment, now: Date): void {
    const p = (value: unknown) => statement.param(value);
    statement.with(
      'risk_hold',
      `INSERT INTO risk_3ds_holds (payment_id, merchant_id, card_fingerprint, signals, rule, deferred, created_at)
       VALUES (${p(paymentId)}, ${p(merchantId)}, ${p(decision.cardFingerprint)}, ${p(JSON.stringify(decision.signals))}::jsonb,
               ${p(assessment.rule ? JSON.stringify(assessment.rule) : null)}::jsonb, ${p(assessment.deferred)}, ${p(now)})`,
    );
  }

  /**
   * The challenge of a (locked) payment is over: takes its hold and decides the outcome (a deferred
   * payment runs allow/block/review now); counts the decline when the payment will fail. null when
   * the payment has no hold (created before holds existed). Runs in the caller's transaction.
   */
  async afterChallenge(manager: EntityManager, merchantId: string, paymentId: string, end: ChallengeEnd, now: Date): Promise<AfterChallenge | null> {
    const result: unknown[] = await manager.query(
      'DELETE FROM risk_3ds_holds WHERE payment_id = $1 AND merchant_id = $2 RETURNING card_fingerprint, signals, rule, deferred',
      [paymentId, merchantId],
    );
    // TypeORM answers a DELETE … RETURNING with [rows, affected].
    const row = (Array.isArray(result[0]) ? result[0] : result)[0] as HoldRow | undefined;
    if (!row) return null;
    const hold: ThreeDSHold = {
      signals: row.signals,
      risk_level: row.signals.risk_level as RiskLevel,
      risk_score: row.signals.risk_score,
      rule: row.rule,
      deferred: row.deferred,
    };
    const rules: ParsedRule[] = hold.deferred && end.authenticated ? await this.rules.parsedRules(merchantId, now, manager) : [];
    const decision = decideAfterChallenge(hold, rules, end, this.onRuleError);
    if (decision.block || end.failureCode) await this.velocity.recordDecline(manager, merchantId, row.card_fingerprint, now);
    return decision;
  }
}

/** A json column: parsed by the driver (pg), or text (a driver that leaves it). */
function fromJson<T>(value: T[] | string): T[] {
  return typeof value === 'string' ? (JSON.parse(value) as T[]) : value;
}
