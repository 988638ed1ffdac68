import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AppConfig } from '../config/app-config';
import { IN_MEMORY } from '../database/embedded-postgres';
import { MerchantsService } from './merchants.service';

/** A fixed, well-formed id (ULID layout) makes seeding idempotent across restarts and processes. */
export const DEMO_MERCHANT_ID = 'mer_0000000000000000000000DEM0';
export const DEMO_MERCHANT_NAME = 'Demo merchant';
const KEY_FILE = 'demo-api-key';

export interface DemoMerchant {
  merchantId: string;
  /** The secret when this process knows it: just created, or kept in the embedded data dir. */
  apiKey?: string;
  created: boolean;
}

/**
 * SEED_DEMO: creates the demo merchant once so the README's first curl works without a sign-up.
 * Keys are stored only as hashes, so in embedded mode the secret is also kept next to the data
 * (`<SANDBOX_DATA_DIR>/demo-api-key`, mode 600) to print it on every start; with an external
 * database it is printed only when created.
 */
@Injectable()
export class DemoSeed implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoSeed.name);
  private seeded: DemoMerchant | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly merchants: MerchantsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** What seeding did (undefined when SEED_DEMO is off), for the start-up banner. */
  get demo(): DemoMerchant | undefined {
    return this.seeded;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemo) return;
    this.seeded = await this.seed();
    if (this.seeded.created) this.logger.log(`Created the demo merchant ${DEMO_MERCHANT_ID}`);
  }

  private async seed(): Promise<DemoMerchant> {
    const created = await this.merchants.createIfMissing(DEMO_MERCHANT_ID, { name: DEMO_MERCHANT_NAME });
    if (created) {
      const apiKey = created.api_key?.secret;
      if (apiKey) this.keepKey(apiKey);
      return { merchantId: DEMO_MERCHANT_ID, apiKey, created: true };
    }
    const keyFile = this.keyFile();
    if (!keyFile) return { merchantId: DEMO_MERCHANT_ID, created: false };
    const kept = await this.validKeptKey(keyFile);
    if (kept) return { merchantId: DEMO_MERCHANT_ID, apiKey: kept, created: false };
    // The merchant exists but its kept key is gone or revoked: issue a fresh one so the banner stays useful.
    const reissued = await this.merchants.issueKey(DEMO_MERCHANT_ID, 'demo');
    this.keepKey(reissued.secret!);
    return { merchantId: DEMO_MERCHANT_ID, apiKey: reissued.secret, created: false };
  }

  private async validKeptKey(keyFile: string): Promise<string | undefined> {
    let secret: string;
    try {
      secret = readFileSync(keyFile, 'utf8').trim();
    } catch {
      return undefined;
    }
    try {
      const key = await this.apiKeys.authenticate(secret);
      return key.merchantId === DEMO_MERCHANT_ID ? secret : undefined;
    } catch {
      return undefined;
    }
  }

  private keepKey(secret: string): void {
    const keyFile = this.keyFile();
    if (!keyFile) return;
    writeFileSync(keyFile, `${secret}\n`, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
  }

  /** Only an embedded database on disk has a data dir to keep the secret in. */
  private keyFile(): string | undefined {
    if (!this.config.embeddedDatabase || this.config.sandboxDataDir === IN_MEMORY) return undefined;
    return join(resolve(this.config.sandboxDataDir), KEY_FILE);
  }
}
