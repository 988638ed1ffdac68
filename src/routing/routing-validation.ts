import { DomainError } from '../common/errors/domain-error';
import { isKnownCurrency, normalizeCurrency } from '../common/money';
import { PutRoutingDto, RoutingRuleDto } from './dto/routing-config.dto';
import { DEFAULT_MAX_ATTEMPTS, referencedConnectors, RoutingConfig, RoutingRule } from './routing-config';

const invalid = (message: string, param: string) => new DomainError('parameter_invalid', message, param);

/** Checks what the DTO's decorators cannot, and normalizes case; `knownConnectors` are the merchant's ids. */
export function toRoutingConfig(dto: PutRoutingDto, knownConnectors: ReadonlySet<string>): RoutingConfig {
  const config: RoutingConfig = {
    rules: dto.rules.map((rule, index) => toRule(rule, `rules.${index}`)),
    default: dto.default,
    max_attempts: dto.max_attempts ?? DEFAULT_MAX_ATTEMPTS,
  };
  for (const ref of referencedConnectors(config)) {
    if (!knownConnectors.has(ref.id)) throw invalid(`No such connector: '${ref.id}'.`, ref.param);
  }
  return config;
}

function toRule(dto: RoutingRuleDto, param: string): RoutingRule {
  const conditions = dto.if;
  conditions.currency?.forEach((code, i) => {
    if (!isKnownCurrency(code)) throw invalid(`Unknown currency: '${code}'.`, `${param}.if.currency.${i}`);
  });
  if (conditions.amount_gte !== undefined && conditions.amount_lt !== undefined && conditions.amount_gte >= conditions.amount_lt) {
    throw invalid('amount_lt must be greater than amount_gte.', `${param}.if.amount_lt`);
  }
  const when = {
    ...conditions,
    ...(conditions.currency ? { currency: conditions.currency.map(normalizeCurrency) } : {}),
    ...(conditions.country ? { country: conditions.country.map((c) => c.toUpperCase()) } : {}),
  };
  const then = dto.then;
  if (then.type === 'priority') {
    if (then.splits !== undefined) throw invalid('A priority rule lists connectors, not splits.', `${param}.then.splits`);
    if (!then.connectors || then.connectors.length === 0) throw invalid('A priority rule needs at least one connector.', `${param}.then.connectors`);
    return { if: when, then: { type: 'priority', connectors: then.connectors } };
  }
  if (then.connectors !== undefined) throw invalid('A volume_split rule lists splits, not connectors.', `${param}.then.connectors`);
  if (!then.splits || then.splits.length === 0) throw invalid('A volume_split rule needs at least one split.', `${param}.then.splits`);
  const total = then.splits.reduce((sum, split) => sum + split.percent, 0);
  if (total !== 100) throw invalid(`Split percents must sum to 100 (got ${total}).`, `${param}.then.splits`);
  const ids = then.splits.map((split) => split.connector);
  if (new Set(ids).size !== ids.length) throw invalid('A connector appears twice in the splits.', `${param}.then.splits`);
  return { if: when, then: { type: 'volume_split', splits: then.splits.map((s) => ({ connector: s.connector, percent: s.percent })) } };
}
