import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import type { PaymentEntity } from '../../payments/entities/payment.entity';
import type { MpesaDetails } from '../mpesa';
import type { ThreeDSecureDetails } from '../three-d-secure';
import type { UpiDetails } from '../upi';

class ThreeDSecureView {
  @ApiProperty({ enum: ['authenticated', 'failed', 'not_supported', 'attempt_acknowledged'], nullable: true, example: 'authenticated' })
  result: ThreeDSecureDetails['result'];
  @ApiProperty({ enum: ['challenge', 'frictionless'], nullable: true, example: 'challenge' }) flow: ThreeDSecureDetails['flow'];
}

class CardView {
  @ApiProperty({ example: 'visa' }) brand: string;
  @ApiProperty({ example: '4242' }) last4: string;
  @ApiProperty({ example: 12 }) exp_month: number;
  @ApiProperty({ example: 2030 }) exp_year: number;
  @ApiProperty({ nullable: true, type: String, example: 'US', description: "The card's issuing country (BIN), null when unknown" })
  country: string | null;
  @ApiProperty({ type: ThreeDSecureView, description: 'null/null when 3-D Secure did not run' }) three_d_secure: ThreeDSecureView;
}

class UpiView {
  @ApiProperty({ nullable: true, type: String, example: 'success@sandbox' }) vpa: string | null;
  @ApiProperty({ enum: ['collect', 'intent'] }) flow: 'collect' | 'intent';
  @ApiProperty({ nullable: true, type: String, example: '00', description: 'NPCI response code once answered (00, ZA, ZM, Z9, U69, U30)' })
  npci_code: string | null;
}

class MpesaView {
  @ApiProperty({ example: '2547****4149', description: 'masked' }) phone: string;
  @ApiProperty({ example: 'ws_CO_01122026221500123456789' }) checkout_request_id: string;
  @ApiProperty({ nullable: true, type: Number, example: 0 }) result_code: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'The service request is processed successfully.' }) result_desc: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'NLJ7RT61SV' }) receipt_number: string | null;
}

export class CardPaymentMethodView {
  @ApiProperty({ enum: ['card'] }) type: 'card';
  @ApiProperty({ type: CardView }) card: CardView;
}

export class UpiPaymentMethodView {
  @ApiProperty({ enum: ['upi'] }) type: 'upi';
  @ApiProperty({ type: UpiView }) upi: UpiView;
}

export class MpesaPaymentMethodView {
  @ApiProperty({ enum: ['mpesa'] }) type: 'mpesa';
  @ApiProperty({ type: MpesaView }) mpesa: MpesaView;
}

export type PaymentMethodView = CardPaymentMethodView | UpiPaymentMethodView | MpesaPaymentMethodView;

const VIEWS = { card: CardPaymentMethodView, upi: UpiPaymentMethodView, mpesa: MpesaPaymentMethodView };

/** `payment_method` on the payment, documented as a oneOf discriminated by `type`. */
export function ApiPaymentMethodView(): PropertyDecorator {
  return (target, key) => {
    ApiExtraModels(...Object.values(VIEWS))(target.constructor);
    ApiProperty({
      oneOf: Object.values(VIEWS).map((view) => ({ $ref: getSchemaPath(view) })),
      discriminator: { propertyName: 'type', mapping: Object.fromEntries(Object.entries(VIEWS).map(([name, view]) => [name, getSchemaPath(view)])) },
    })(target, key);
  };
}

const NO_THREE_D_SECURE: ThreeDSecureDetails = { result: null, flow: null };

export function toPaymentMethodView(row: PaymentEntity): PaymentMethodView {
  // Listed field by field: jsonb does not keep key order.
  if (row.method === 'upi') {
    const upi = row.upi as UpiDetails;
    return { type: 'upi', upi: { vpa: upi.vpa, flow: upi.flow, npci_code: upi.npci_code } };
  }
  if (row.method === 'mpesa') {
    const mpesa = row.mpesa as MpesaDetails;
    return {
      type: 'mpesa',
      mpesa: {
        phone: mpesa.phone,
        checkout_request_id: mpesa.checkout_request_id,
        result_code: mpesa.result_code,
        result_desc: mpesa.result_desc,
        receipt_number: mpesa.receipt_number,
      },
    };
  }
  return {
    type: 'card',
    card: {
      brand: row.cardBrand ?? 'unknown',
      last4: row.cardLast4 ?? '',
      exp_month: row.cardExpMonth ?? 0,
      exp_year: row.cardExpYear ?? 0,
      country: row.cardCountry,
      three_d_secure: { result: (row.threeDSecure ?? NO_THREE_D_SECURE).result, flow: (row.threeDSecure ?? NO_THREE_D_SECURE).flow },
    },
  };
}
