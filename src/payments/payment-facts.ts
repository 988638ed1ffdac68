import { normalizeCurrency } from '../common/money';
import { PayerCountry, resolvePayerCountry } from '../payer-country/payer-country';
import type { RoutingFacts } from '../routing/routing-decision';
import { DEFAULT_TEST_CARD, detectBrand } from './card-simulation';
import { CreatePaymentDto } from './dto/create-payment.dto';

export interface PaymentFacts {
  routing: RoutingFacts;
  payer: PayerCountry;
}

/** What routing knows about a payment body: the same for create and for POST /v1/routing/evaluate. */
export function paymentFacts(dto: CreatePaymentDto, paymentId: string): PaymentFacts {
  // Validation has expanded a test payment method id ("pm_card_visa") to its card object.
  const paymentMethod = typeof dto.payment_method === 'object' ? dto.payment_method : undefined;
  const method = paymentMethod?.type ?? 'card';
  const cardNumber = paymentMethod?.type === 'card' ? paymentMethod.card.number : method === 'card' ? DEFAULT_TEST_CARD : undefined;
  const payer = resolvePayerCountry({ customerCountry: dto.customer_country, customerIp: dto.customer_ip, cardNumber });
  return {
    payer,
    routing: {
      paymentId,
      amount: dto.amount,
      currency: normalizeCurrency(dto.currency),
      method,
      cardBrand: cardNumber ? detectBrand(cardNumber) : null,
      payerCountry: payer.country,
    },
  };
}
