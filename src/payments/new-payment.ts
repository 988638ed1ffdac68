import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { isKnownCurrency, normalizeCurrency } from '../common/money';
import { PaymentMethodDetails } from '../payment-methods/payment-method-plan';
import { DEFAULT_TEST_CARD, detectBrand, isLuhnValid, refundFailsLater, resolveOutcome, SimulateCreateMode } from './card-simulation';
import { CardDto, CreatePaymentDto } from './dto/create-payment.dto';
import { PaymentEntity } from './entities/payment.entity';

/** The pure first steps of a create: the card, its simulated issuer's answer, the new row. */

/** The card of a card payment (null for UPI and M-Pesa). */
export function resolveCard(dto: CreatePaymentDto, now: Date): CardDto | null {
  // Validation guarantees an object here (a test payment method id was expanded to its card).
  const paymentMethod = typeof dto.payment_method === 'object' ? dto.payment_method : undefined;
  if (paymentMethod && paymentMethod.type !== 'card') return null;
  const card = paymentMethod?.card ?? defaultCard(now);
  if (!isLuhnValid(card.number)) {
    throw new DomainError('invalid_card_number', 'The card number is not a valid card number (Luhn check failed).', 'payment_method.card.number');
  }
  return card;
}

/** The simulated issuer's answer for this card: explicit simulate, else its magic number, else expired_card when past its expiry on the merchant clock. */
export function resolveCardOutcome(explicit: SimulateCreateMode | undefined, card: CardDto, now: Date): SimulateCreateMode {
  const outcome = resolveOutcome(explicit, card.number);
  if (outcome === 'success' && !explicit && isExpired(card, now)) return 'expired_card';
  return outcome;
}

export function newPayment(actor: Actor, id: string, dto: CreatePaymentDto, card: CardDto | null, method: PaymentMethodDetails, now: Date): PaymentEntity {
  return Object.assign(new PaymentEntity(), {
    id,
    merchantId: actor.merchantId,
    amount: dto.amount,
    currency: normalizeCurrency(dto.currency),
    status: 'CREATED',
    captureMethod: dto.capture_method ?? 'automatic',
    amountCaptured: 0,
    amountRefunded: 0,
    cardBrand: card ? detectBrand(card.number) : null,
    cardLast4: card ? card.number.slice(-4) : null,
    cardExpMonth: card?.exp_month ?? null,
    cardExpYear: card?.exp_year ?? null,
    refundFailsLater: card ? refundFailsLater(card.number) : false,
    ...method,
    nextAction: null,
    customerStep: null,
    failureCode: null,
    failureMessage: null,
    description: dto.description ?? null,
    customerEmail: dto.customer_email ?? null,
    metadata: dto.metadata ?? {},
    idempotencyKey: actor.idempotencyKey ?? null,
    captureBefore: null,
    cancellationReason: null,
    outcome: null,
    connector: null,
    attempts: [],
    payerCountry: null,
    payerCountrySource: null,
    cardCountry: null,
    createdAt: now,
    updatedAt: now,
  } satisfies PaymentEntity);
}

export function assertKnownCurrency(currency: string): void {
  if (!isKnownCurrency(currency)) {
    throw new DomainError('parameter_invalid', `Unknown currency: '${currency}'. Use an ISO 4217 code such as usd.`, 'currency');
  }
}

/** The default test card never expires, however far the merchant's clock has moved. */
function defaultCard(now: Date): CardDto {
  return { number: DEFAULT_TEST_CARD, exp_month: 12, exp_year: now.getUTCFullYear() + 5 };
}

function isExpired(card: CardDto, now: Date): boolean {
  const year = now.getUTCFullYear();
  return card.exp_year < year || (card.exp_year === year && card.exp_month < now.getUTCMonth() + 1);
}
