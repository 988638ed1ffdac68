import { freePort } from '../support/built-app';
import { runCli, startListeningApp } from '../support/cli';
import type { TestApp } from '../support/test-app';

jest.setTimeout(120_000);

describe('CLI basics: help, usage errors, merchant create, reset (spawned against a real sandbox)', () => {
  let app: TestApp;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await startListeningApp());
  });
  afterAll(() => app.close());

  it('--help lists every command with examples and the exit codes', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['merchant', 'reset', 'clock', 'trigger', 'fixtures', 'listen']) expect(run.stdout).toContain(command);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('Exit codes:');
  });

  it('an unknown command or flag prints help and exits 2', async () => {
    const command = await runCli(['refund-everything']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'refund-everything'");
    expect(command.stderr).toContain('Usage: payment-sandbox');
    const flag = await runCli(['trigger', 'payment.captured', '--frobnicate']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--frobnicate'");
    expect(flag.stderr).toContain('Usage: payment-sandbox trigger');
    const missing = await runCli([]);
    expect(missing.code).toBe(2);
  });

  it('an unreachable sandbox is one line and exit 3', async () => {
    const closedPort = await freePort();
    const run = await runCli(['merchant', 'create'], { SANDBOX_URL: `http://127.0.0.1:${closedPort}` });
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`Cannot reach the sandbox at http://127.0.0.1:${closedPort} (connection refused)`);
  });

  it('no key or a refused key is one line and exit 4', async () => {
    const none = await runCli(['reset'], { SANDBOX_URL: url });
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('No API key');
    const bad = await runCli(['reset', '--api-key', 'sk_test_not_a_key'], { SANDBOX_URL: url });
    expect(bad.code).toBe(4);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('refused the API key (401 api_key_invalid');
  });

  it('merchant create prints a working key; --json prints the merchant; reset deletes it', async () => {
    const created = await runCli(['merchant', 'create', '--name', 'CLI e2e'], { SANDBOX_URL: url });
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^sk_test_\S+$/);
    expect(created.stderr).toMatch(/Created merchant mer_\w+ \(CLI e2e\)/);
    await app.http.get('/v1/merchants/me').set('Authorization', `Bearer ${key}`).expect(200);

    const json = await runCli(['merchant', 'create', '--json', '--url', url]);
    expect(json.code).toBe(0);
    const merchant = JSON.parse(json.stdout);
    expect(merchant).toMatchObject({ object: 'merchant', name: 'CLI merchant', api_key: { secret: expect.stringMatching(/^sk_test_/) } });

    const reset = await runCli(['reset', '--json'], { SANDBOX_URL: url, SANDBOX_API_KEY: key });
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.stdout)).toEqual({ deleted: true, id: expect.stringMatching(/^mer_/) });
    await app.http.get('/v1/merchants/me').set('Authorization', `Bearer ${key}`).expect(401);
    // The other merchant is untouched.
    await app.http.get('/v1/merchants/me').set('Authorization', `Bearer ${merchant.api_key.secret}`).expect(200);
  });

  it('errors in --json mode are one JSON line on stderr', async () => {
    const run = await runCli(['reset', '--json', '--api-key', 'sk_test_nope', '--url', url]);
    expect(run.code).toBe(4);
    expect(JSON.parse(run.stderr)).toEqual({ error: { message: expect.stringContaining('401'), exit_code: 4 } });
  });
});
