import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ClockService } from '../clock/clock.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { isKnownCurrency, normalizeCurrency } from '../common/money';
import { CteStatement } from '../database/cte-statement';
import { parseDuration } from '../config/duration';
import { BUILTIN_IDS } from './builtin-connectors';
import { effectiveCircuit, routableCircuit } from './circuit-breaker';
import { CircuitBreakerService } from './circuit-breaker.service';
import { ConnectorProfile, DEFAULT_PROFILE } from './connector.model';
import { ConnectorRow, StoredConnector } from './connector-row';
import { AttemptsRepository } from './attempts.repository';
import { ConnectorsRepository } from './connectors.repository';
import { ConnectorProfileDto } from './dto/connector-profile.dto';
import { ConnectorHealthView, ConnectorListView, ConnectorView, toConnectorView } from './dto/connector.view';
import { CreateConnectorDto, UpdateConnectorDto } from './dto/create-connector.dto';
import { CreateOutageDto, ForceCircuitDto } from './dto/outage.dto';

const MAX_OUTAGE_MS = 400 * 86_400_000;

/** A connector as routing sees it right now (circuit evaluated on the merchant clock). */
export interface RoutingConnector extends StoredConnector {
  routableCircuit: 'closed' | 'open' | 'half_open';
}

@Injectable()
export class ConnectorsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repository: ConnectorsRepository,
    private readonly attempts: AttemptsRepository,
    private readonly breaker: CircuitBreakerService,
    private readonly clock: ClockService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor): Promise<ConnectorListView> {
    const now = await this.clock.now(actor.merchantId);
    const connectors = await this.repository.list(actor.merchantId);
    return {
      object: 'list',
      data: connectors.map((connector) => toConnectorView(connector, effectiveCircuit(connector.circuit, now))),
      has_more: false,
    };
  }

  async get(actor: Actor, id: string): Promise<ConnectorView> {
    const now = await this.clock.now(actor.merchantId);
    const connector = await this.find(actor.merchantId, id);
    return toConnectorView(connector, effectiveCircuit(connector.circuit, now));
  }

  async create(actor: Actor, dto: CreateConnectorDto): Promise<ConnectorView> {
    if (BUILTIN_IDS.includes(dto.id)) throw new DomainError('parameter_invalid', `'${dto.id}' is a built-in connector id.`, 'id');
    const currencies = dto.currencies ? this.currencies(dto.currencies) : null;
    const now = await this.clock.now(actor.merchantId);
    const connector = {
      id: dto.id,
      methods: [...new Set(dto.methods)],
      currencies,
      countries: dto.countries ? [...new Set(dto.countries.map((country) => country.toUpperCase()))] : null,
      enabled: dto.enabled ?? true,
      profile: mergeProfile(DEFAULT_PROFILE, dto.profile),
    };
    await this.db.transaction(async (manager) => {
      if (!(await this.repository.insertCustom(manager, actor.merchantId, connector, now))) {
        throw new DomainError('parameter_invalid', `A connector '${dto.id}' already exists.`, 'id');
      }
      const { id: _id, ...details } = connector;
      await this.audit.record(manager, actor, { kind: 'connector', action: 'created', object_id: dto.id, details });
    });
    return this.get(actor, dto.id);
  }

  async update(actor: Actor, id: string, dto: UpdateConnectorDto): Promise<ConnectorView> {
    const now = await this.clock.now(actor.merchantId);
    await this.db.transaction(async (manager) => {
      const current = await this.repository.lock(manager, actor.merchantId, id, now);
      if (!current) throw DomainError.notFound('connector', id);
      const profile = mergeProfile(current.profile, dto.profile);
      await this.repository.updateSettings(manager, actor.merchantId, id, dto.enabled ?? current.enabled, profile, now);
      await this.audit.record(manager, actor, { kind: 'connector', action: 'updated', object_id: id, details: changedFields(dto) });
    });
    return this.get(actor, id);
  }

  async startOutage(actor: Actor, id: string, dto: CreateOutageDto): Promise<ConnectorView> {
    const now = await this.clock.now(actor.merchantId);
    const until = outageEnd(dto, now);
    await this.db.transaction(async (manager) => {
      if (!(await this.repository.lock(manager, actor.merchantId, id, now))) throw DomainError.notFound('connector', id);
      await this.repository.setOutage(manager, actor.merchantId, id, { until, mode: dto.mode ?? 'http_5xx' }, now);
      await this.audit.record(manager, actor, {
        kind: 'connector',
        action: 'outage_started',
        object_id: id,
        details: { until: until.toISOString(), mode: dto.mode ?? 'http_5xx' },
      });
    });
    return this.get(actor, id);
  }

  async endOutage(actor: Actor, id: string): Promise<ConnectorView> {
    const now = await this.clock.now(actor.merchantId);
    await this.db.transaction(async (manager) => {
      if (!(await this.repository.lock(manager, actor.merchantId, id, now))) throw DomainError.notFound('connector', id);
      await this.repository.setOutage(manager, actor.merchantId, id, null, now);
      await this.audit.record(manager, actor, { kind: 'connector', action: 'outage_ended', object_id: id });
    });
    return this.get(actor, id);
  }

  async forceCircuit(actor: Actor, id: string, dto: ForceCircuitDto): Promise<ConnectorHealthView> {
    await this.find(actor.merchantId, id);
    await this.breaker.force(actor.merchantId, id, dto.state, await this.clock.now(actor.merchantId), (manager) =>
      this.audit.record(manager, actor, { kind: 'connector', action: 'circuit_forced', object_id: id, details: { state: dto.state } }),
    );
    return this.health(actor, id);
  }

  async health(actor: Actor, id: string): Promise<ConnectorHealthView> {
    const connector = await this.find(actor.merchantId, id);
    const now = await this.clock.now(actor.merchantId);
    const [stats, checkedAt] = await Promise.all([
      this.attempts.stats(actor.merchantId, id, now),
      this.repository.healthCheckedAt(actor.merchantId, id),
    ]);
    return {
      object: 'connector_health',
      connector: id,
      circuit: effectiveCircuit(connector.circuit, now),
      forced: connector.circuit.forced,
      failures_recent: stats.failures,
      calls_recent: stats.calls,
      success_rate: stats.calls === 0 ? null : (stats.calls - stats.failures) / stats.calls,
      opened_at: connector.circuit.state === 'closed' ? null : (connector.circuit.openedAt?.toISOString() ?? null),
      last_error: stats.lastError,
      outage_active: connector.outage !== null && connector.outage.until > now,
      checked_at: checkedAt?.toISOString() ?? null,
    };
  }

  /** The merchant's connectors with the circuit state routing must respect at `now` (merchant clock). */
  async forRouting(merchantId: string, now: Date): Promise<RoutingConnector[]> {
    return withRoutableCircuits(await this.repository.list(merchantId), now);
  }

  /** forRouting as a column of a statement of several modules' reads: returns its reader. */
  appendForRouting(statement: CteStatement, merchantId: string): (row: Record<string, unknown>, now: Date) => RoutingConnector[] {
    this.repository.appendList(statement, 'routing_connectors', merchantId);
    return (row, now) => withRoutableCircuits(this.repository.readAppended(row.routing_connectors as ConnectorRow[] | string), now);
  }

  private async find(merchantId: string, id: string): Promise<StoredConnector> {
    const connector = await this.repository.find(merchantId, id);
    if (!connector) throw DomainError.notFound('connector', id);
    return connector;
  }

  private currencies(codes: string[]): string[] {
    codes.forEach((code, index) => {
      if (!isKnownCurrency(code)) throw new DomainError('parameter_invalid', `Unknown currency: '${code}'.`, `currencies.${index}`);
    });
    return [...new Set(codes.map(normalizeCurrency))];
  }
}

/** The PATCH body's given fields, for the audit entry (a connector holds no secret). */
function changedFields(dto: UpdateConnectorDto): Record<string, unknown> {
  const given = Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined));
  return { changed: Object.keys(given), ...given };
}

function mergeProfile(current: ConnectorProfile, patch: ConnectorProfileDto | undefined): ConnectorProfile {
  const merged: ConnectorProfile = { ...current, ...(patch ?? {}), latency_ms: { ...(patch?.latency_ms ?? current.latency_ms) } };
  if (merged.latency_ms.p99 < merged.latency_ms.p50) {
    throw new DomainError('parameter_invalid', 'profile.latency_ms.p99 must be at least p50.', 'profile.latency_ms.p99');
  }
  return merged;
}

function outageEnd(dto: CreateOutageDto, now: Date): Date {
  if ((dto.for === undefined) === (dto.until === undefined)) {
    throw new DomainError('parameter_invalid', 'Give exactly one of `for` (a duration such as 5m) or `until` (an ISO time).', dto.for === undefined ? 'for' : 'until');
  }
  if (dto.for !== undefined) {
    const ms = parseDuration(dto.for) ?? 0;
    if (ms <= 0 || ms > MAX_OUTAGE_MS) throw new DomainError('parameter_invalid', 'for must be a positive duration of at most 400d.', 'for');
    return new Date(now.getTime() + ms);
  }
  const until = new Date(dto.until as string);
  if (!(until > now)) throw new DomainError('parameter_invalid', `until must be after the merchant's current time (${now.toISOString()}).`, 'until');
  if (until.getTime() - now.getTime() > MAX_OUTAGE_MS) throw new DomainError('parameter_invalid', 'An outage lasts at most 400d.', 'until');
  return until;
}

function withRoutableCircuits(connectors: StoredConnector[], now: Date): RoutingConnector[] {
  const wallNow = new Date(); // probe leases are wall-clock leases
  return connectors.map((connector) => ({ ...connector, routableCircuit: routableCircuit({ ...connector.circuit, probeLeaseUntil: connector.probeLeaseUntil }, now, wallNow) }));
}
