import { createHash } from 'node:crypto';
import { CircuitState, ConnectorCoverage } from '../connectors/connector.model';
import { RoutingConfig, RoutingRule, RuleConditions } from './routing-config';

/**
 * The routing decision, a pure function (design-v2 §3):
 *   1. the forced connector (`connector` on create), else the first rule whose conditions all
 *      hold, else `default`;
 *   2. a volume split puts the connector whose band holds hash(payment id) mod 100 first, the
 *      other split connectors after it in listed order;
 *   3. eligibility: enabled, supports the method, the currency, and the payer country when it is
 *      known, circuit not open (half-open counts as eligible: the call is the probe);
 *   4. the eligible ones in that order, cut to max_attempts.
 */
export interface RoutingFacts {
  paymentId: string;
  amount: number;
  /** Upper case ISO 4217. */
  currency: string;
  method: string;
  cardBrand: string | null;
  /** ISO alpha-2 or null when unknown. */
  payerCountry: string | null;
}

export interface RoutableConnector extends ConnectorCoverage {
  enabled: boolean;
  circuit: CircuitState;
}

export type IneligibleReason =
  | 'unknown_connector'
  | 'disabled'
  | 'method_unsupported'
  | 'currency_unsupported'
  | 'country_unsupported'
  | 'circuit_open';

export type AttemptReason = 'rule' | 'default' | 'volume_split' | 'fallback' | 'forced';

export interface Candidate {
  connector: string;
  eligible: boolean;
  reason?: IneligibleReason;
}

export interface RoutingDecision {
  rule: number | null;
  candidates: Candidate[];
  order: string[];
  /** Why the first connector of `order` was chosen; the others are `fallback`. */
  firstReason: AttemptReason;
}

export function decideRoute(
  config: RoutingConfig,
  connectors: readonly RoutableConnector[],
  facts: RoutingFacts,
  forced?: string,
): RoutingDecision {
  const chosen = forced !== undefined ? { rule: null, list: [forced], firstReason: 'forced' as const } : chooseList(config, facts);
  const byId = new Map(connectors.map((connector) => [connector.id, connector]));
  const candidates = chosen.list.map((id) => candidate(id, byId.get(id), facts));
  const order = candidates.filter((c) => c.eligible).map((c) => c.connector).slice(0, config.max_attempts);
  return { rule: chosen.rule, candidates, order, firstReason: chosen.firstReason };
}

/** Reason of the attempt at position `index` of the order. */
export function attemptReason(decision: RoutingDecision, index: number): AttemptReason {
  return index === 0 ? decision.firstReason : 'fallback';
}

function chooseList(config: RoutingConfig, facts: RoutingFacts): { rule: number | null; list: string[]; firstReason: AttemptReason } {
  const index = config.rules.findIndex((rule) => matches(rule.if, facts));
  if (index < 0) return { rule: null, list: unique(config.default), firstReason: 'default' };
  const rule: RoutingRule = config.rules[index];
  if (rule.then.type === 'priority') return { rule: index, list: unique(rule.then.connectors), firstReason: 'rule' };
  return { rule: index, list: unique(splitOrder(rule.then.splits, facts.paymentId)), firstReason: 'volume_split' };
}

export function matches(conditions: RuleConditions, facts: RoutingFacts): boolean {
  const inList = (list: string[] | undefined, value: string | null) => list === undefined || (value !== null && list.includes(value));
  return (
    inList(conditions.currency, facts.currency) &&
    inList(conditions.country, facts.payerCountry) &&
    inList(conditions.method, facts.method) &&
    inList(conditions.card_brand, facts.cardBrand) &&
    (conditions.amount_gte === undefined || facts.amount >= conditions.amount_gte) &&
    (conditions.amount_lt === undefined || facts.amount < conditions.amount_lt)
  );
}

/** 0-99 from the payment id: the same id always lands in the same band. */
export function splitBucket(paymentId: string): number {
  return createHash('sha256').update(paymentId).digest().readUInt32BE(0) % 100;
}

function splitOrder(splits: Array<{ connector: string; percent: number }>, paymentId: string): string[] {
  const bucket = splitBucket(paymentId);
  let upper = 0;
  const picked = splits.find((split) => {
    upper += split.percent;
    return bucket < upper;
  });
  const rest = splits.filter((split) => split !== picked).map((split) => split.connector);
  return picked ? [picked.connector, ...rest] : rest;
}

function candidate(id: string, connector: RoutableConnector | undefined, facts: RoutingFacts): Candidate {
  const reason = ineligibility(connector, facts);
  return reason ? { connector: id, eligible: false, reason } : { connector: id, eligible: true };
}

function ineligibility(connector: RoutableConnector | undefined, facts: RoutingFacts): IneligibleReason | undefined {
  if (!connector) return 'unknown_connector';
  if (!connector.enabled) return 'disabled';
  if (!connector.methods.includes(facts.method)) return 'method_unsupported';
  if (connector.currencies !== null && !connector.currencies.includes(facts.currency)) return 'currency_unsupported';
  if (facts.payerCountry !== null && connector.countries !== null && !connector.countries.includes(facts.payerCountry)) {
    return 'country_unsupported';
  }
  if (connector.circuit === 'open') return 'circuit_open';
  return undefined;
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
