import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class RedirectToUrlView {
  @ApiProperty({ example: 'https://sandbox.example.test/v1/3ds/3ds_mJ2x…', description: 'The one-time challenge page, under PUBLIC_URL (default http://localhost:$PORT).' }) url: string;
  @ApiProperty({ nullable: true, type: String, example: 'https://shop.example/return' }) return_url: string | null;
}

/**
 * What the customer must do (REQUIRES_ACTION, PROCESSING); null otherwise. One shape per `type`:
 * redirect_to_url (3-D Secure), upi_collect, upi_intent, mpesa_stk_push.
 */
export class NextActionView {
  @ApiProperty({ enum: ['redirect_to_url', 'upi_collect', 'upi_intent', 'mpesa_stk_push'] })
  type: 'redirect_to_url' | 'upi_collect' | 'upi_intent' | 'mpesa_stk_push';

  @ApiPropertyOptional({ type: RedirectToUrlView, description: 'type redirect_to_url' })
  redirect_to_url?: RedirectToUrlView;

  @ApiPropertyOptional({ example: '2026-12-01T22:25:00.000Z', description: 'type upi_collect: when the collect request expires' })
  expires_at?: string;

  @ApiPropertyOptional({ example: 'upi://pay?pa=sandbox.merchant%40razorpay&pn=Payment+Sandbox&tr=pay_…&am=20.00&cu=INR', description: 'type upi_intent' })
  intent_url?: string;

  @ApiPropertyOptional({ example: 'upi://pay?pa=sandbox.merchant%40razorpay&…', description: 'type upi_intent: what the QR code encodes' })
  qr_payload?: string;

  @ApiPropertyOptional({ example: 'ws_CO_01122026221500123456789', description: 'type mpesa_stk_push: the STK push request' })
  checkout_request_id?: string;
}

export type NextAction =
  | { type: 'redirect_to_url'; redirect_to_url: { url: string; return_url: string | null } }
  | { type: 'upi_collect'; expires_at: string }
  | { type: 'upi_intent'; intent_url: string; qr_payload: string }
  | { type: 'mpesa_stk_push'; checkout_request_id: string };
