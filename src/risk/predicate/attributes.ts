/** The attributes a rule predicate may name (design-v2 §4), with their types. */
export const NUMBER_ATTRIBUTES = [
  'amount_in_usd',
  'risk_score',
  'charges_per_card_hourly',
  'charges_per_card_daily',
  'charges_per_ip_hourly',
  'charges_per_email_daily',
  'declines_per_card_hourly',
] as const;

export const STRING_ATTRIBUTES = ['currency', 'card_country', 'ip_country', 'card_brand', 'card_bin', 'email_domain', 'risk_level'] as const;

export type NumberAttribute = (typeof NUMBER_ATTRIBUTES)[number];
export type StringAttribute = (typeof STRING_ATTRIBUTES)[number];
export type Attribute = NumberAttribute | StringAttribute;
export type AttributeType = 'number' | 'string';

export const ATTRIBUTE_TYPES: Readonly<Record<Attribute, AttributeType>> = Object.freeze({
  ...Object.fromEntries(NUMBER_ATTRIBUTES.map((name) => [name, 'number'])),
  ...Object.fromEntries(STRING_ATTRIBUTES.map((name) => [name, 'string'])),
} as Record<Attribute, AttributeType>);

export function isAttribute(name: string): name is Attribute {
  return Object.prototype.hasOwnProperty.call(ATTRIBUTE_TYPES, name);
}

/** The values a payment presents to the rules; a missing (unknown) string attribute is null. */
export type RiskSignals = { [K in NumberAttribute]: number } & { [K in StringAttribute]: string | null };
