import { ConnectorCoverage } from './connector.model';

/** The 27 EU member states (ISO alpha-2). */
export const EU_COUNTRIES = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
] as const;

/** The five built-in connectors every merchant gets its own copy of (design-v2 §3 table). */
export const BUILTIN_CONNECTORS: readonly ConnectorCoverage[] = Object.freeze([
  { id: 'stripe_sim', methods: ['card'], currencies: null, countries: null },
  {
    id: 'adyen_sim',
    methods: ['card'],
    currencies: ['EUR', 'GBP', 'USD', 'SEK', 'DKK', 'NOK', 'CHF', 'PLN'],
    countries: [...EU_COUNTRIES, 'GB', 'CH', 'NO'],
  },
  { id: 'razorpay_sim', methods: ['card', 'upi'], currencies: ['INR'], countries: ['IN'] },
  { id: 'mpesa_sim', methods: ['mpesa'], currencies: ['KES'], countries: ['KE'] },
  { id: 'paystack_sim', methods: ['card'], currencies: ['NGN', 'GHS', 'KES', 'ZAR'], countries: ['NG', 'GH', 'KE', 'ZA'] },
]);

export const BUILTIN_IDS: readonly string[] = BUILTIN_CONNECTORS.map((connector) => connector.id);

/** Regional first: what a merchant that never set routing uses. */
export const DEFAULT_ROUTING_ORDER: readonly string[] = ['razorpay_sim', 'mpesa_sim', 'paystack_sim', 'adyen_sim', 'stripe_sim'];

export function builtinConnector(id: string): ConnectorCoverage | undefined {
  return BUILTIN_CONNECTORS.find((connector) => connector.id === id);
}
