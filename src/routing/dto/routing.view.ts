import { ApiProperty } from '@nestjs/swagger';
import { RoutingRuleDto } from './routing-config.dto';

export class RoutingView {
  @ApiProperty({ enum: ['routing'] }) object: 'routing';
  @ApiProperty({ type: [RoutingRuleDto] }) rules: unknown[];
  @ApiProperty({ example: ['razorpay_sim', 'mpesa_sim', 'paystack_sim', 'adyen_sim', 'stripe_sim'] }) default: string[];
  @ApiProperty({ example: 3 }) max_attempts: number;
}

class CandidateView {
  @ApiProperty({ example: 'adyen_sim' }) connector: string;
  @ApiProperty({ example: false }) eligible: boolean;
  @ApiProperty({
    required: false,
    enum: ['unknown_connector', 'disabled', 'method_unsupported', 'currency_unsupported', 'country_unsupported', 'circuit_open'],
  })
  reason?: string;
}

export class RoutingEvaluationView {
  @ApiProperty({ enum: ['routing_evaluation'] }) object: 'routing_evaluation';
  @ApiProperty({ nullable: true, type: Number, example: 0, description: 'Index of the matching rule; null = default (or a forced connector)' })
  rule: number | null;
  @ApiProperty({ type: [CandidateView], description: 'Every connector considered, in order, with why it is not eligible' }) candidates: CandidateView[];
  @ApiProperty({ example: ['adyen_sim', 'stripe_sim'], description: 'The connectors create would call, in order (cut to max_attempts)' })
  order: string[];
  @ApiProperty({ nullable: true, type: String, example: 'DE' }) payer_country: string | null;
  @ApiProperty({ nullable: true, enum: ['explicit', 'ip', 'card'] }) payer_country_source: string | null;
}
