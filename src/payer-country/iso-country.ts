import * as iso3166 from 'iso-3166-1';

/** The alpha-2 code (upper case) when `code` is an assigned ISO 3166-1 alpha-2 code, else null. */
export function isoAlpha2(code: string): string | null {
  if (!/^[A-Za-z]{2}$/.test(code)) return null;
  return iso3166.whereAlpha2(code.toUpperCase())?.alpha2 ?? null;
}

/** The alpha-2 code of an ISO 3166-1 numeric code ("276" → "DE"), else null. */
export function alpha2FromNumeric(numeric: string): string | null {
  return iso3166.whereNumeric(numeric)?.alpha2 ?? null;
}
