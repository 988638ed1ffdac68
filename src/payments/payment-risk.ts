import { Actor } from '../common/actor';
import { normalizeCurrency } from '../common/money';
import { countryOfIp } from '../payer-country/ip-country';
import { PaymentSignals } from '../risk/risk.service';
import { detectBrand } from './card-simulation';
import { CardDto, CreatePaymentDto } from './dto/create-payment.dto';
import { PaymentFacts } from './payment-facts';

/**
 * What the create pipeline tells risk about a card payment, from the payer-country module's facts.
 * The IP is the payer's (customer_ip), else the caller's.
 */
export function paymentSignals(actor: Actor, dto: CreatePaymentDto, card: CardDto, facts: PaymentFacts): PaymentSignals {
  const ip = dto.customer_ip ?? actor.ip ?? null;
  return {
    merchantId: actor.merchantId,
    amount: dto.amount,
    currency: normalizeCurrency(dto.currency),
    cardNumber: card.number,
    cardBrand: detectBrand(card.number),
    cardCountry: facts.payer.cardCountry,
    ipCountry: ip ? countryOfIp(ip) : null,
    payerCountry: facts.payer.country,
    ip,
    email: dto.customer_email ?? null,
    testCardOverrides: dto.simulate === undefined,
  };
}
