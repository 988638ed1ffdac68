import { ApiProperty } from '@nestjs/swagger';
import { CIRCUIT_STATES, CircuitState, Connector, ConnectorProfile, TECHNICAL_ERRORS, TechnicalError } from '../connector.model';
import { LatencyDto } from './connector-profile.dto';

class ProfileView {
  @ApiProperty({ type: LatencyDto }) latency_ms: { p50: number; p99: number };
  @ApiProperty({ example: 0 }) technical_error_rate: number;
  @ApiProperty({ enum: TECHNICAL_ERRORS }) technical_error: TechnicalError;
  @ApiProperty({ example: 0 }) decline_rate: number;
}

class OutageView {
  @ApiProperty({ example: '2026-12-01T12:05:00.000Z' }) until: string;
  @ApiProperty({ enum: TECHNICAL_ERRORS }) mode: TechnicalError;
}

export class ConnectorView {
  @ApiProperty({ example: 'adyen_sim' }) id: string;
  @ApiProperty({ enum: ['connector'] }) object: 'connector';
  @ApiProperty({ example: false, description: 'false for the five built-ins' }) custom: boolean;
  @ApiProperty({ example: ['card'], type: [String] }) methods: string[];
  @ApiProperty({ example: ['EUR', 'USD'], type: [String], nullable: true, description: 'null = all currencies' }) currencies: string[] | null;
  @ApiProperty({ example: ['DE', 'FR'], type: [String], nullable: true, description: 'null = all countries' }) countries: string[] | null;
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ type: ProfileView }) profile: ConnectorProfile;
  @ApiProperty({ type: OutageView, nullable: true, description: 'The current or next outage (merchant clock); null when none' })
  outage: { until: string; mode: TechnicalError } | null;
  @ApiProperty({ enum: CIRCUIT_STATES, example: 'closed' }) circuit: CircuitState;
}

export function toConnectorView(connector: Connector, circuit: CircuitState): ConnectorView {
  return {
    id: connector.id,
    object: 'connector',
    custom: connector.custom,
    methods: connector.methods,
    currencies: connector.currencies,
    countries: connector.countries,
    enabled: connector.enabled,
    profile: connector.profile,
    outage: connector.outage ? { until: connector.outage.until.toISOString(), mode: connector.outage.mode } : null,
    circuit,
  };
}

export class ConnectorListView {
  @ApiProperty({ enum: ['list'] }) object: 'list';
  @ApiProperty({ type: [ConnectorView] }) data: ConnectorView[];
  @ApiProperty({ example: false, description: 'Always false: every connector is in one page' }) has_more: false;
}

export class ConnectorHealthView {
  @ApiProperty({ enum: ['connector_health'] }) object: 'connector_health';
  @ApiProperty({ example: 'adyen_sim' }) connector: string;
  @ApiProperty({ enum: CIRCUIT_STATES, description: 'open → no calls; half_open → the next call is a probe' }) circuit: CircuitState;
  @ApiProperty({ example: false, description: 'Forced open with POST …/circuit (stays open until forced closed)' }) forced: boolean;
  @ApiProperty({ example: 2, description: 'Technical failures in the last 30 s (merchant clock)' }) failures_recent: number;
  @ApiProperty({ example: 0.9, nullable: true, type: Number, description: 'Share of the last 30 s of calls that did not fail technically; null without calls' })
  success_rate: number | null;
  @ApiProperty({ example: 20, description: 'Calls in the last 30 s' }) calls_recent: number;
  @ApiProperty({ nullable: true, type: String, example: null }) opened_at: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'timeout', description: 'Error of the latest technical failure' }) last_error: string | null;
  @ApiProperty({ example: false, description: 'An outage is active now (merchant clock)' }) outage_active: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'When the worker\'s health job last evaluated this connector (wall clock)' })
  checked_at: string | null;
}
