import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Reader, Response } from 'maxmind';

/**
 * IP → country from an offline table shipped in an npm package, read once, no network:
 * @ip-location-db/geo-whois-asn-country-mmdb (CC0-1.0; RIR whois + ASN data, NRO statistics
 * under CC BY 4.0), IPv4 and IPv6 in one 7.8 MB MaxMind DB file, read with `maxmind` (MIT).
 */
const DATABASE = '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb';

let reader: Reader<Response> | undefined;

function database(): Reader<Response> {
  reader ??= new Reader<Response>(readFileSync(require.resolve(DATABASE)));
  return reader;
}

/** Loads the table now (at start-up) instead of on the first payment with an IP. */
export function preloadIpCountries(): void {
  database();
}

/** ISO alpha-2 of the IP's registered country; null for private, reserved or unlisted addresses. */
export function countryOfIp(ip: string): string | null {
  if (isIP(ip) === 0) return null;
  const record = database().get(ip) as { country_code?: string } | null;
  return record?.country_code ?? null;
}
