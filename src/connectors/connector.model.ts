/** What a connector is and how it behaves, independent of storage (design-v2 §3). */
export const TECHNICAL_ERRORS = ['timeout', 'http_5xx', 'connection_reset'] as const;
export type TechnicalError = (typeof TECHNICAL_ERRORS)[number];

export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

export const PAYMENT_METHOD_TYPES = ['card', 'upi', 'mpesa'] as const;

export interface ConnectorProfile {
  latency_ms: { p50: number; p99: number };
  technical_error_rate: number;
  technical_error: TechnicalError;
  decline_rate: number;
}

export const DEFAULT_PROFILE: ConnectorProfile = Object.freeze({
  latency_ms: Object.freeze({ p50: 0, p99: 0 }),
  technical_error_rate: 0,
  technical_error: 'timeout',
  decline_rate: 0,
}) as ConnectorProfile;

/** Coverage: null means "all". Currencies upper case, countries ISO alpha-2 upper case. */
export interface ConnectorCoverage {
  id: string;
  methods: string[];
  currencies: string[] | null;
  countries: string[] | null;
}

/** A merchant's connector as routing and the simulator see it. */
export interface Connector extends ConnectorCoverage {
  custom: boolean;
  enabled: boolean;
  profile: ConnectorProfile;
  outage: { until: Date; mode: TechnicalError } | null;
  circuit: CircuitSnapshot;
  createdAt: Date | null;
  updatedAt: Date | null;
}

export interface CircuitSnapshot {
  state: CircuitState;
  forced: boolean;
  openedAt: Date | null;
}
