import { Writable } from 'node:stream';
import { createPinoLogger } from './logger';
import { scrubText } from './redaction';

function capture(): { stream: Writable; lines: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, lines: () => chunks.join('') };
}

describe('log redaction', () => {
  it('masks card numbers, keys, secrets and tokens in free text', () => {
    const text = scrubText('card 4242 4242 4242 4242 key sk_test_abcDEF123 whsec_xyz sst_tok Bearer abc.def url /v1/ws?token=sst_1&x=2');
    expect(text).not.toMatch(/4242 4242|sk_test_abc|whsec_xyz|sst_tok|abc\.def|sst_1/);
    expect(text).toContain('x=2');
  });

  it('keeps the demo key of the start-up banner, the one secret printed on purpose', () => {
    expect(scrubText('listening · demo merchant key: sk_test_demo123')).toBe('listening · demo merchant key: sk_test_demo123');
    expect(scrubText('some key: sk_test_demo123')).toBe('some key: [REDACTED]');
  });

  it('keeps ordinary numbers and ids', () => {
    expect(scrubText('amount 2000 in 12 ms for pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V')).toBe('amount 2000 in 12 ms for pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V');
  });

  it('redacts known fields and scrubs strings in what is logged', () => {
    const { stream, lines } = capture();
    const logger = createPinoLogger({ logLevel: 'info', logFormat: 'json' }, stream);
    logger.info(
      {
        headers: { authorization: 'Bearer sk_test_secret1', 'user-agent': 'jest' },
        body: { payment_method: { card: { number: '4000000000000002', cvc: '123' } }, secret: 'whsec_abc' },
        note: 'retrying with 4242424242424242',
      },
      'message naming sk_test_inmessage',
    );
    const out = lines();
    expect(out).toContain('[REDACTED]');
    expect(out).toContain('jest');
    for (const leaked of ['sk_test_secret1', '4000000000000002', '"123"', 'whsec_abc', '4242424242424242', 'sk_test_inmessage']) {
      expect(out).not.toContain(leaked);
    }
    expect(JSON.parse(out.trim().split('\n')[0]).level).toBe('info');
  });
});
