import { parseArgs } from 'node:util';

/** Every scenario, in the order a full run takes them. */
export const SCENARIOS = [
  'create',
  'lifecycle',
  'read',
  'idempotent-replay',
  'routing',
  'routing-split',
  'risk-rules',
  'methods',
  'steady',
  'deliver',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const USAGE = `npm run bench -- [--url http://localhost:4242 | --spawn [--split] | --embedded]
                 [--scenarios ${SCENARIOS.join(',')}]
                 [--connections 50] [--duration 20 (steady: 30)] [--drain 30] [--sse-clients 0]
                 [--rate 300] [--deliveries 20000] [--baseline | --no-baseline] [--baseline-duration N] [--no-save]`;

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:4242' },
    spawn: { type: 'boolean', default: false },
    // With --spawn: the API (PROCESS_ROLE=api) and the webhook worker (dist/worker.js) as two processes.
    split: { type: 'boolean', default: false },
    // Spawn the sandbox in embedded mode (PGlite in the process, in-process queue; no DATABASE_URL, no REDIS_URL).
    embedded: { type: 'boolean', default: false },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string' },
    scenarios: { type: 'string' },
    drain: { type: 'string', default: '30' },
    rate: { type: 'string', default: '300' },
    deliveries: { type: 'string', default: '20000' },
    baseline: { type: 'boolean', default: false },
    'no-baseline': { type: 'boolean', default: false },
    'baseline-duration': { type: 'string' },
    'admin-database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    'no-save': { type: 'boolean', default: false },
    'sse-clients': { type: 'string', default: '0' },
    help: { type: 'boolean', default: false },
  },
});

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number, got ${value}`);
  return number;
}

export interface Options {
  url: string;
  /** Start the sandbox ourselves (always with --embedded). */
  spawn: boolean;
  split: boolean;
  embedded: boolean;
  connections: number;
  /** Seconds of load per scenario; undefined = the scenario's default (steady 30, others 20). */
  duration: number | undefined;
  scenarios: Scenario[];
  drainSeconds: number;
  rate: number;
  deliveries: number;
  /** 'measure': references measured in this run; 'saved': the newest bench/results/baseline-*.json; 'auto': measure when pgbench is on PATH. */
  baseline: 'measure' | 'saved' | 'auto';
  baselineDuration: number | undefined;
  adminDatabaseUrl: string;
  redisUrl: string;
  save: boolean;
  sseClients: number;
}

export function readOptions(): Options {
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const spawn = values.spawn! || values.embedded!;
  // Against a running sandbox (--url) the default list leaves out `deliver`, which restarts the sandbox.
  const names = values.scenarios?.split(',') ?? SCENARIOS.filter((name) => spawn || name !== 'deliver');
  const scenarios = names.map((name) => {
    if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario ${name}; use ${SCENARIOS.join(',')}`);
    return name as Scenario;
  });
  if (values.baseline && values['no-baseline']) throw new Error('--baseline and --no-baseline exclude each other');
  if (values.embedded && values.split) throw new Error('--embedded runs one process (PGlite has one connection): --split does not apply');
  return {
    url: values.url!,
    spawn,
    split: values.split!,
    embedded: values.embedded!,
    connections: positive('connections', values.connections, 50),
    duration: values.duration === undefined ? undefined : positive('duration', values.duration, 20),
    scenarios,
    drainSeconds: positive('drain', values.drain, 30),
    rate: positive('rate', values.rate, 300),
    deliveries: Math.round(positive('deliveries', values.deliveries, 20_000)),
    baseline: values.baseline ? 'measure' : values['no-baseline'] ? 'saved' : 'auto',
    baselineDuration: values['baseline-duration'] === undefined ? undefined : positive('baseline-duration', values['baseline-duration'], 20),
    adminDatabaseUrl: values['admin-database-url']!,
    redisUrl: values['redis-url']!,
    save: !values['no-save'],
    sseClients: Number(values['sse-clients']),
  };
}

/** The scenario's load duration in seconds. */
export function durationOf(options: Options, scenario: Scenario): number {
  return options.duration ?? (scenario === 'steady' ? 30 : 20);
}
