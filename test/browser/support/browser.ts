import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { startTestApp, TestApp } from '../../support/test-app';

/** Debian's chromium (apt-get install chromium): playwright's own browser downloads cannot work here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];
/** Gitignored: screenshots of failed browser tests land here. */
export const FAILURE_SCREENSHOTS = resolve(__dirname, '..', '..', '..', 'test-results', 'browser');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface DashboardBrowser {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in the page (a broken module shows up here, not as a failed request). */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Chromium with a new, empty profile (--user-data-dir via a persistent context), one page. */
export async function launchBrowser(): Promise<DashboardBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'sandbox-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: DESKTOP,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface ListeningApp {
  app: TestApp;
  baseUrl: string;
}

/** The real app (startTestApp) listening on a free port, so a browser can load it. */
export async function startListeningApp(env: Record<string, string> = {}): Promise<ListeningApp> {
  const app = await startTestApp(env);
  await app.sandbox.app.listen(0, '127.0.0.1');
  const { port } = app.sandbox.app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

/**
 * `it`, plus a full-page screenshot in test-results/browser/ when the test fails, so a red CI run
 * shows what the page looked like. `page()` is read at failure time (the browser starts in beforeAll).
 */
export function itWithScreenshot(page: () => Page | undefined) {
  return (name: string, test: () => Promise<void>, timeoutMs?: number): void => {
    it(name, async () => {
      try {
        await test();
      } catch (error) {
        await screenshotFailure(page(), name);
        throw error;
      }
    }, timeoutMs);
  };
}

async function screenshotFailure(page: Page | undefined, name: string): Promise<void> {
  if (!page || page.isClosed()) return;
  mkdirSync(FAILURE_SCREENSHOTS, { recursive: true });
  const file = join(FAILURE_SCREENSHOTS, `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${Date.now()}.png`);
  await page.screenshot({ path: file, fullPage: true }).then(
    () => console.error(`browser test failed; screenshot: ${file}`),
    (error: Error) => console.error(`browser test failed; no screenshot: ${error.message}`),
  );
}
