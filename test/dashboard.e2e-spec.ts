import { startTestApp, TestApp } from './support/test-app';

// Embedded mode boots PGlite and runs every migration first: slow on a loaded machine.
jest.setTimeout(30_000);

/** What the browser is served; the browser suite (test/browser, npm run test:browser) drives the page itself. */
describe('dashboard files (e2e)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it.each(['/', '/dashboard'])('GET %s serves the page without an API key, locked to this origin', async (path) => {
    const response = await app.http.get(path).expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.text).toContain('<label for="api-key">API key</label>');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['request-id']).toEqual(expect.any(String));
  });

  it('a bogus Authorization header does not stop the page from loading', async () => {
    await app.http.get('/dashboard').set('Authorization', 'Bearer sk_test_nope').expect(200);
  });

  it('every script and stylesheet the page and its modules load is served with the right type', async () => {
    const seen = new Set<string>();
    const queue = [...references((await app.http.get('/').expect(200)).text)];
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const response = await app.http.get(path).expect(200);
      expect(response.headers['content-type']).toMatch(path.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      if (path.endsWith('.mjs')) queue.push(...references(response.text).map((relative) => new URL(relative, `http://x${path}`).pathname));
    }
    expect([...seen]).toEqual(expect.arrayContaining(['/dashboard/style.css', '/dashboard/app.mjs', '/dashboard/api.mjs', '/dashboard/live.mjs']));
    expect(seen.size).toBeGreaterThanOrEqual(10);
  });

  it('no file refers to another origin (the dashboard works offline)', async () => {
    const page = (await app.http.get('/').expect(200)).text;
    const files = [page];
    for (const path of ['/dashboard/style.css', '/dashboard/app.mjs', '/dashboard/dom.mjs', '/dashboard/live.mjs']) {
      files.push((await app.http.get(path).expect(200)).text);
    }
    for (const text of files) {
      expect(text).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
      expect(text).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
      expect(text).not.toMatch(/from\s+["'](https?:)?\/\//i);
    }
  });

  it.each(['/dashboard/nope.mjs', '/dashboard/..%2Fdashboard.service.ts', '/dashboard/nested/app.mjs', '/dashboard/dashboard.module.js'])(
    'GET %s is 404 route_not_found in the standard error body',
    async (path) => {
      const response = await app.http.get(path).expect(404);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'route_not_found' });
    },
  );

  it('the page is not API surface: the OpenAPI document does not list it', async () => {
    const document = (await app.http.get('/openapi.json').expect(200)).body as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).filter((path) => path === '/' || path.startsWith('/dashboard'))).toEqual([]);
  });

  it('POST / is still a 404 route_not_found (only GET serves the page)', async () => {
    const response = await app.http.post('/').send({}).expect(404);
    expect(response.body.error.code).toBe('route_not_found');
  });
});

/** Local scripts, stylesheets and ES module imports a file refers to. */
function references(text: string): string[] {
  return [
    ...[...text.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)].map((match) => match[1]),
    ...[...text.matchAll(/from '(\.\/[^']+)'/g)].map((match) => match[1]),
  ];
}
