import { Actor } from '../common/actor';
import { PaymentSignals } from '../risk/risk.service';
import { SimulateCreateMode } from './card-simulation';
import { CardDto, CreatePaymentDto } from './dto/create-payment.dto';
import { PaymentEntity } from './entities/payment.entity';

/**
 * What the create pipeline tells risk about a card payment. Card country, IP country and payer
 * country are null until the payer-country module (issue 14) provides them.
 */
export function paymentSignals(actor: Actor, dto: CreatePaymentDto, payment: PaymentEntity, card: CardDto, issuer: SimulateCreateMode): PaymentSignals {
  return {
    merchantId: payment.merchantId,
    amount: payment.amount,
    currency: payment.currency,
    cardNumber: card.number,
    cardBrand: payment.cardBrand,
    cardCountry: null,
    ipCountry: null,
    payerCountry: null,
    ip: actor.ip ?? null,
    email: dto.customer_email ?? null,
    testCardOverrides: dto.simulate === undefined,
    knownFraud: issuer === 'fraud_detected',
  };
}
