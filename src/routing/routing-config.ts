import { DEFAULT_ROUTING_ORDER } from '../connectors/builtin-connectors';

/** Conditions of a rule: lists match any value; all given conditions must hold. */
export interface RuleConditions {
  currency?: string[];
  country?: string[];
  method?: string[];
  card_brand?: string[];
  amount_gte?: number;
  amount_lt?: number;
}

export type RuleAction =
  | { type: 'priority'; connectors: string[] }
  | { type: 'volume_split'; splits: Array<{ connector: string; percent: number }> };

export interface RoutingRule {
  if: RuleConditions;
  then: RuleAction;
}

export interface RoutingConfig {
  rules: RoutingRule[];
  default: string[];
  max_attempts: number;
}

export const DEFAULT_MAX_ATTEMPTS = 3;

export function defaultRoutingConfig(): RoutingConfig {
  return { rules: [], default: [...DEFAULT_ROUTING_ORDER], max_attempts: DEFAULT_MAX_ATTEMPTS };
}

/** Every connector id a config names, with the `param` path that names it. */
export function referencedConnectors(config: RoutingConfig): Array<{ id: string; param: string }> {
  const refs: Array<{ id: string; param: string }> = [];
  config.rules.forEach((rule, index) => {
    if (rule.then.type === 'priority') {
      rule.then.connectors.forEach((id, i) => refs.push({ id, param: `rules.${index}.then.connectors.${i}` }));
    } else {
      rule.then.splits.forEach((split, i) => refs.push({ id: split.connector, param: `rules.${index}.then.splits.${i}.connector` }));
    }
  });
  config.default.forEach((id, i) => refs.push({ id, param: `default.${i}` }));
  return refs;
}
