import { alpha2FromNumeric } from './iso-country';

/**
 * Card → issuing country for the sandbox's test cards. Stripe's country test cards carry the ISO
 * 3166-1 numeric code in digits 7-9 after a 400000 prefix (4000002760000016 → 276 → DE); the
 * other test cards are US cards (Stripe's are issued in the US), the JCB and UnionPay ones aside.
 */
const KNOWN_CARDS: Readonly<Record<string, string>> = Object.freeze({
  // v1 test cards (design.md) and Stripe's brand test cards
  '4242424242424242': 'US',
  '4000056655665556': 'US',
  '5555555555554444': 'US',
  '2223003122003222': 'US',
  '5200828282828210': 'US',
  '5105105105105100': 'US',
  '378282246310005': 'US',
  '371449635398431': 'US',
  '6011111111111117': 'US',
  '6011000990139424': 'US',
  '3056930009020004': 'US',
  '36227206271667': 'US',
  '3566002020360505': 'JP',
  '6200000000000005': 'CN',
  '4000000000000002': 'US',
  '4000000000009995': 'US',
  '4000000000000069': 'US',
  '4000000000000127': 'US',
  '4000000000000119': 'US',
  '4100000000000019': 'US',
});

const COUNTRY_CARD = /^400000(\d{3})\d{7}$/;

/** ISO alpha-2 of the card's issuing country, or null when the sandbox does not know it. */
export function countryOfCard(number: string): string | null {
  const known = KNOWN_CARDS[number];
  if (known) return known;
  const match = COUNTRY_CARD.exec(number);
  return match ? alpha2FromNumeric(match[1]) : null;
}
