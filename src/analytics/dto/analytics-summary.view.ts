import { ApiProperty } from '@nestjs/swagger';

export class StatusCountView {
  @ApiProperty({ example: 'CAPTURED' }) status: string;
  @ApiProperty({ example: 812 }) count: number;
}

export class CurrencyVolumeView {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: 900 }) count: number;
  @ApiProperty({ example: 1800000, description: 'Sum of amounts, minor units.' }) volume: number;
  @ApiProperty({ example: 1500000 }) captured_volume: number;
  @ApiProperty({ example: 20000 }) refunded_volume: number;
}

export class StatusCurrencyView {
  @ApiProperty({ example: 'CAPTURED' }) status: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: 750 }) count: number;
  @ApiProperty({ example: 1500000 }) volume: number;
}

export class DeclineCodeView {
  @ApiProperty({ example: 'card_declined' }) code: string;
  @ApiProperty({ example: 41 }) count: number;
}

export class ConnectorStatsView {
  @ApiProperty({ example: 'simulated_stripe' }) connector: string;
  @ApiProperty({ example: 950 }) attempts: number;
  @ApiProperty({ nullable: true, type: Number, example: 0.97 }) success_rate: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 182, description: '95th percentile attempt latency, ms.' }) p95_latency_ms: number | null;
}

export class AnalyticsSummaryView {
  @ApiProperty({ enum: ['analytics_summary'] }) object: 'analytics_summary';
  @ApiProperty({ example: '2026-11-01T00:00:00.000Z' }) from: string;
  @ApiProperty({ example: '2026-12-01T00:00:00.000Z' }) to: string;
  @ApiProperty({ example: 1000, description: 'Payments created in [from, to).' }) count: number;
  @ApiProperty({ type: [StatusCountView] }) by_status: StatusCountView[];
  @ApiProperty({ type: [CurrencyVolumeView] }) by_currency: CurrencyVolumeView[];
  @ApiProperty({ type: [StatusCurrencyView], description: 'Count and volume per (status, currency).' }) by_status_and_currency: StatusCurrencyView[];
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 0.9,
    description: 'Payments that got past authorization (AUTHORIZED, CAPTURED, refunded or canceled after authorization) over those plus FAILED; pending ones are left out. null with none.',
  })
  success_rate: number | null;
  @ApiProperty({ type: [DeclineCodeView], description: 'The 10 most frequent failure codes of FAILED payments.' }) top_decline_codes: DeclineCodeView[];
  @ApiProperty({ type: [ConnectorStatsView], description: 'Per connector, from connector attempts (empty where none are recorded).' })
  connectors: ConnectorStatsView[];
}
