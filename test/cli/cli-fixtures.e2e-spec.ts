import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startListeningApp } from '../support/cli';
import { createMerchant, TestApp, TestMerchant } from '../support/test-app';

jest.setTimeout(180_000);

const FAILING = `name: Expects the wrong status
steps:
  - name: create
    method: POST
    path: /v1/payments
    body: { amount: 2000, currency: usd }
    expect:
      status: 201
      fields:
        status: AUTHORIZED
        amount: { $gte: 1000 }
  - name: capture
    method: POST
    path: /v1/payments/\${step:create.id}/capture
`;

describe('CLI fixtures run: the shipped fixture passes, failures diff and report JUnit, bad files name file, line and step', () => {
  let app: TestApp;
  let url: string;
  let merchant: TestMerchant;
  let dir: string;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { SANDBOX_URL: url, SANDBOX_API_KEY: merchant.key, ...env });
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    ({ app, url } = await startListeningApp());
    merchant = await createMerchant(app.http);
    dir = mkdtempSync(join(tmpdir(), 'cli-fixtures-'));
  });
  afterAll(() => app.close());

  it('fixtures/capture-refund.yaml passes, with webhook and timeline expectations and a JUnit report', async () => {
    const junit = join(dir, 'reports', 'ok.xml');
    const run = await cli(['fixtures', 'run', 'fixtures/capture-refund.yaml', '--receiver', '--junit', junit]);
    expect({ code: run.code, stderr: run.stderr, stdout: run.stdout }).toEqual({ code: 0, stderr: '', stdout: expect.stringContaining('✓ refund  POST /v1/payments/pay_') });
    expect(run.stdout).toContain('PASS: 1/1 fixtures passed; steps: 6 passed, 0 failed, 0 skipped.');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuites name="payment-sandbox fixtures" tests="6" failures="0" errors="0" skipped="0"');
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml).not.toContain('<failure');
  });

  it('a failing expectation exits 1 with a readable diff; later steps are skipped; JUnit has the failure', async () => {
    const junit = join(dir, 'fail.xml');
    const run = await cli(['fixtures', 'run', write('failing.yaml', FAILING), '--junit', junit]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ create  POST /v1/payments → 201');
    expect(run.stdout).toContain('[line 3]');
    expect(run.stdout).toMatch(/fields\.status\n\s+- expected: "AUTHORIZED"\n\s+\+ actual: {3}"CAPTURED"/);
    expect(run.stdout).not.toContain('fields.amount');
    expect(run.stdout).toContain('- capture (skipped: an earlier step failed)');
    expect(run.stderr).toContain('1 of 1 fixtures failed');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="2" failures="1" errors="0" skipped="1"');
    expect(xml).toContain('<failure message="fields.status" type="expectation">');
    expect(xml).toContain('<skipped message="an earlier step failed"/>');
  });

  it('a timeline expectation that does not hold shows what the timeline has', async () => {
    const file = write('timeline.yaml', `name: timeline
steps:
  - name: create
    method: POST
    path: /v1/payments
    body: { amount: 2000, currency: usd }
    expect:
      timeline:
        contains:
          - { type: transition, from: AUTHORIZED, to: CAPTURED }
          - { type: transition, to: REFUNDED }
`);
    const run = await cli(['fixtures', 'run', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/timeline of pay_\w+ contains\n\s+- expected: \{"type":"transition","to":"REFUNDED"\}\n\s+\+ actual: {3}\[.*"to":"CAPTURED"/);
    expect(run.stdout).not.toContain('- expected: {"type":"transition","from":"AUTHORIZED"'); // that one is there
  });

  it('a JSON fixture with ${env:…} defaults and ${step:…} references keeps types', async () => {
    const fixture = {
      name: 'json fixture',
      steps: [
        { name: 'create', method: 'POST', path: '/v1/payments', body: { amount: '${env:AMOUNT|1500}', currency: '${env:CURRENCY|eur}', capture_method: 'manual' }, expect: { status: 201, fields: { amount: '1500', currency: 'EUR' } } },
        { name: 'capture', method: 'POST', path: '/v1/payments/${step:create.id}/capture', body: { amount: '${step:create.amount}' }, expect: { status: 200, fields: { amount_captured: 1500, id: '${step:create.id}' } } },
      ],
    };
    const file = write('fixture.json', JSON.stringify(fixture, null, 2));
    // ${env:AMOUNT|1500} is the string "1500": the API refuses it, so the first run fails on status…
    const refused = await cli(['fixtures', 'run', file]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/status\n\s+- expected: 201\n\s+\+ actual: {3}400/);
    // …and a number from a referenced response stays a number.
    fixture.steps[0].body.amount = 1500 as unknown as string;
    fixture.steps[0].expect.fields.amount = 1500 as unknown as string;
    const run = await cli(['fixtures', 'run', write('fixture2.json', JSON.stringify(fixture, null, 2))]);
    expect({ code: run.code, out: run.stdout }).toEqual({ code: 0, out: expect.stringContaining('PASS') });
  });

  it('a syntax error names the file and line (exit 2, nothing runs)', async () => {
    const fresh = await createMerchant(app.http);
    const file = write('broken.yaml', `${FAILING}  - name: later\n    method: POST\n    path: /v1/payments\n    body: { amount: 2000, currency: usd\n`);
    const run = await runCli(['fixtures', 'run', file], { SANDBOX_URL: url, SANDBOX_API_KEY: fresh.key });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^error: ${file}:1[89]: syntax error: `));
    const payments = await app.http.get('/v1/payments').set('Authorization', `Bearer ${fresh.key}`).expect(200);
    expect(payments.body.data).toEqual([]);
  });

  it('an unknown reference, an unset variable, an unknown key name the file, line and step (exit 2)', async () => {
    const reference = write('ref.yaml', FAILING.replace('${step:create.id}', '${step:craete.id}'));
    const run = await cli(['fixtures', 'run', reference]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: ${reference}:14 (step "capture"): unknown reference \${step:craete.id}: no earlier step is named "craete" (earlier steps: create).\n`);

    const variable = write('env.yaml', FAILING.replace('currency: usd', 'currency: "${env:NO_SUCH_VARIABLE}"'));
    const unset = await cli(['fixtures', 'run', variable]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain(`${variable}:6 (step "create"): \${env:NO_SUCH_VARIABLE}: the environment variable NO_SUCH_VARIABLE is not set`);

    const key = write('key.yaml', FAILING.replace('    expect:\n      status: 201', '    expect:\n      statsu: 201'));
    const unknown = await cli(['fixtures', 'run', key]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`${key}:8 (step "create"): unknown expectation "statsu"`);

    const kind = write('kind.yaml', FAILING.replace('${step:create.id}', '${secret:x}'));
    const badKind = await cli(['fixtures', 'run', kind]);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toContain('unknown reference ${secret:x}');
  });

  it('a reference to a field the response lacks fails that step with its line', async () => {
    const file = write('missing.yaml', FAILING.replace('status: AUTHORIZED', 'status: CAPTURED').replace('${step:create.id}', '${step:create.nope}'));
    const run = await cli(['fixtures', 'run', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}:14: cannot resolve \${step:create.nope}: the response of step "create" has no field "nope".`);
  });
});
