import { Injectable } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { DomainError } from '../common/errors/domain-error';

export interface DashboardAsset {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Everything the page may load comes from this app: no CDN, no inline script (offline machines). */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The files under ./public, read once at start-up. nest build copies them as assets; the browser modules
 * are .mjs so the swc builder (which compiles every .js under src/ to CommonJS) leaves them alone.
 */
@Injectable()
export class DashboardService {
  private readonly assets = loadAssets(join(__dirname, 'public'));

  page(): DashboardAsset {
    return this.asset('index.html');
  }

  asset(name: string): DashboardAsset {
    const asset = this.assets.get(name);
    if (!asset) throw new DomainError('route_not_found', `Unrecognized request URL: GET /dashboard/${name}`);
    return asset;
  }
}

function loadAssets(dir: string): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType) continue;
    assets.set(name, { body: readFileSync(join(dir, name)), contentType });
  }
  return assets;
}
