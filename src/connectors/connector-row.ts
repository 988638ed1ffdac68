import { builtinConnector } from './builtin-connectors';
import { CircuitState, Connector, ConnectorCoverage, ConnectorProfile, DEFAULT_PROFILE, TechnicalError } from './connector.model';

/** A row of `connectors` as pg returns it. */
export interface ConnectorRow {
  merchant_id: string;
  id: string;
  custom: boolean;
  methods: string[];
  currencies: string[] | null;
  countries: string[] | null;
  enabled: boolean;
  profile: ConnectorProfile;
  outage_until: Date | null;
  outage_mode: TechnicalError | null;
  circuit_state: CircuitState;
  circuit_forced: boolean;
  circuit_opened_at: Date | null;
  probe_lease_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type StoredConnector = Connector & { probeLeaseUntil: Date | null };

export function fromRow(row: ConnectorRow): StoredConnector {
  return {
    id: row.id,
    methods: row.methods,
    currencies: row.currencies,
    countries: row.countries,
    custom: row.custom,
    enabled: row.enabled,
    profile: { ...DEFAULT_PROFILE, ...row.profile },
    outage: row.outage_until && row.outage_mode ? { until: new Date(row.outage_until), mode: row.outage_mode } : null,
    circuit: {
      state: row.circuit_state,
      forced: row.circuit_forced,
      openedAt: row.circuit_opened_at ? new Date(row.circuit_opened_at) : null,
    },
    probeLeaseUntil: row.probe_lease_until ? new Date(row.probe_lease_until) : null,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** A built-in the merchant has not changed yet: the defaults, no row. */
export function untouchedBuiltin(coverage: ConnectorCoverage): StoredConnector {
  return {
    ...coverage,
    methods: [...coverage.methods],
    custom: false,
    enabled: true,
    profile: DEFAULT_PROFILE,
    outage: null,
    circuit: { state: 'closed', forced: false, openedAt: null },
    probeLeaseUntil: null,
    createdAt: null,
    updatedAt: null,
  };
}

/** SQL that materializes a built-in's copy for a merchant (no-op when it exists): $1 merchant, $2 id, $3 now. */
export function materializeBuiltinSql(id: string): { sql: string; params: unknown[] } | null {
  const builtin = builtinConnector(id);
  if (!builtin) return null;
  return {
    sql: `INSERT INTO connectors (merchant_id, id, custom, methods, currencies, countries, profile, created_at, updated_at)
          VALUES ($1, $2, false, $4::text[], $5::text[], $6::text[], $7::jsonb, $3, $3)
          ON CONFLICT (merchant_id, id) DO NOTHING`,
    params: [builtin.methods, builtin.currencies, builtin.countries, JSON.stringify(DEFAULT_PROFILE)],
  };
}
