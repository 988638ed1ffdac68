import { canonicalJson, hashBody } from './request-fingerprint';

describe('canonicalJson / hashBody', () => {
  it('ignores key order at every level', () => {
    const a = { amount: 100, currency: 'usd', metadata: { b: '2', a: '1' }, list: [{ y: 1, x: 2 }] };
    const b = { list: [{ x: 2, y: 1 }], metadata: { a: '1', b: '2' }, currency: 'usd', amount: 100 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(hashBody(a)).toBe(hashBody(b));
  });

  it('keeps array order and value types significant', () => {
    expect(hashBody({ list: [1, 2] })).not.toBe(hashBody({ list: [2, 1] }));
    expect(hashBody({ amount: 100 })).not.toBe(hashBody({ amount: '100' }));
    expect(hashBody({ amount: 100 })).not.toBe(hashBody({ amount: 101 }));
  });

  it('treats an absent body as an empty object', () => {
    expect(hashBody(undefined)).toBe(hashBody({}));
    expect(hashBody(null)).toBe(hashBody({}));
    expect(hashBody({ a: undefined })).toBe(hashBody({}));
  });

  it('escapes keys and strings like JSON', () => {
    expect(canonicalJson({ 'a"b': 'c\n' })).toBe('{"a\\"b":"c\\n"}');
  });
});
