import { Actor } from '../common/actor';
import { countryOfIp } from '../payer-country/ip-country';
import { PaymentSignals } from '../risk/risk.service';
import { detectBrand, SimulateCreateMode } from './card-simulation';
import { CardDto, CreatePaymentDto } from './dto/create-payment.dto';
import { PaymentEntity } from './entities/payment.entity';

/**
 * What the create pipeline tells risk about a card payment, once the payer-country module has set
 * payment.cardCountry / payment.payerCountry. The IP is the payer's (customer_ip), else the caller's.
 */
export function paymentSignals(actor: Actor, dto: CreatePaymentDto, payment: PaymentEntity, card: CardDto, issuer: SimulateCreateMode): PaymentSignals {
  const ip = dto.customer_ip ?? actor.ip ?? null;
  return {
    merchantId: payment.merchantId,
    amount: payment.amount,
    currency: payment.currency,
    cardNumber: card.number,
    cardBrand: payment.cardBrand ?? detectBrand(card.number),
    cardCountry: payment.cardCountry,
    ipCountry: ip ? countryOfIp(ip) : null,
    payerCountry: payment.payerCountry,
    ip,
    email: dto.customer_email ?? null,
    testCardOverrides: dto.simulate === undefined,
    knownFraud: issuer === 'fraud_detected',
  };
}
