import { DomainError } from '../common/errors/domain-error';
import { parseDuration } from '../config/duration';

/** A merchant clock as stored: wall clock + offset, or standing still at `frozenAtMs`. */
export interface ClockState {
  offsetMs: number;
  frozenAtMs: number | null;
}

/** The clock of a merchant that never touched it: the wall clock. */
export const WALL_CLOCK: ClockState = Object.freeze({ offsetMs: 0, frozenAtMs: null });

export const MAX_ADVANCE_MS = 400 * 86_400_000;
const ADVANCE_BY = /^[1-9]\d{0,14}(ms|s|m|h|d)$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function merchantNowMs(state: ClockState, wallMs: number): number {
  return state.frozenAtMs ?? wallMs + state.offsetMs;
}

/** The same clock moved to `targetMs` (still frozen if it was, at the new time). */
export function moveTo(state: ClockState, targetMs: number, wallMs: number): ClockState {
  return state.frozenAtMs === null ? { offsetMs: targetMs - wallMs, frozenAtMs: null } : { offsetMs: targetMs - wallMs, frozenAtMs: targetMs };
}

export function freeze(state: ClockState, wallMs: number): ClockState {
  const now = merchantNowMs(state, wallMs);
  return { offsetMs: now - wallMs, frozenAtMs: now };
}

/** Time runs again from where it stood. */
export function unfreeze(state: ClockState, wallMs: number): ClockState {
  return { offsetMs: merchantNowMs(state, wallMs) - wallMs, frozenAtMs: null };
}

export interface AdvanceRequest {
  by?: string;
  to?: string;
}

/**
 * The target time of an advance from `nowMs`: exactly one of `by` ("7d"; units ms, s, m, h, d) or
 * `to` (an ISO 8601 time with a zone), strictly forward, at most 400 days. Throws the 400 to answer.
 */
export function advanceTarget(request: AdvanceRequest, nowMs: number): number {
  const { by, to } = request;
  if (by !== undefined && to !== undefined) {
    throw new DomainError('parameter_invalid', 'Give either `by` or `to`, not both.', 'to');
  }
  if (by === undefined && to === undefined) {
    throw new DomainError('parameter_missing', 'Missing required parameter: give `by` (such as "7d") or `to` (an ISO time).', 'by');
  }
  const param = by !== undefined ? 'by' : 'to';
  const target = by !== undefined ? nowMs + parseBy(by) : parseTo(to!);
  if (target <= nowMs) {
    throw new DomainError('clock_backwards', `The clock only moves forward: ${to} is not after ${new Date(nowMs).toISOString()}.`, param, {
      now: new Date(nowMs).toISOString(),
    });
  }
  if (target - nowMs > MAX_ADVANCE_MS) {
    throw new DomainError('parameter_invalid', 'One advance moves the clock at most 400 days; advance several times.', param);
  }
  return target;
}

function parseBy(by: string): number {
  const ms = ADVANCE_BY.test(by) ? parseDuration(by) : undefined;
  if (ms === undefined) {
    throw new DomainError('parameter_invalid', 'by must be a positive duration: a whole number and a unit (ms, s, m, h, d), such as "7d".', 'by');
  }
  return ms;
}

function parseTo(to: string): number {
  const ms = ISO_TIME.test(to) ? Date.parse(to) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new DomainError('parameter_invalid', 'to must be an ISO 8601 time with a zone, such as "2026-12-08T10:00:00Z".', 'to');
  }
  return ms;
}
