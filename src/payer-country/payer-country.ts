import { countryOfCard } from './bin-country';
import { countryOfIp } from './ip-country';
import { isoAlpha2 } from './iso-country';

export type PayerCountrySource = 'explicit' | 'ip' | 'card';

export interface PayerCountry {
  country: string | null;
  source: PayerCountrySource | null;
  /** The card's issuing country (shown as payment_method.card.country). */
  cardCountry: string | null;
}

export interface PayerSignals {
  customerCountry?: string;
  customerIp?: string;
  cardNumber?: string;
}

/** customer_country if given, else the country of customer_ip, else the card's BIN country. */
export function resolvePayerCountry(signals: PayerSignals): PayerCountry {
  const cardCountry = signals.cardNumber ? countryOfCard(signals.cardNumber) : null;
  const explicit = signals.customerCountry ? isoAlpha2(signals.customerCountry) : null;
  if (explicit) return { country: explicit, source: 'explicit', cardCountry };
  const fromIp = signals.customerIp ? countryOfIp(signals.customerIp) : null;
  if (fromIp) return { country: fromIp, source: 'ip', cardCountry };
  if (cardCountry) return { country: cardCountry, source: 'card', cardCountry };
  return { country: null, source: null, cardCountry };
}
