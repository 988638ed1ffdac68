const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/** Parses "250ms", "5s", "30m", "2h", "1d" into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2]];
}

/** Parses a comma list of durations ("5s,5m,30m"); undefined when any entry is malformed. */
export function parseDurationList(text: string): number[] | undefined {
  const parts = text.split(',').map((part) => parseDuration(part));
  return parts.every((ms): ms is number => ms !== undefined) ? parts : undefined;
}
