import { exceedsJsonDepth, hasUnpairedSurrogate } from './json-body-guards';

describe('exceedsJsonDepth', () => {
  it('counts nested objects and arrays, not brackets inside strings', () => {
    expect(exceedsJsonDepth('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(exceedsJsonDepth('{"a":{"b":[1]}}', 2)).toBe(true);
    expect(exceedsJsonDepth(JSON.stringify({ text: '[[[[{{{{' }), 1)).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ text: 'say \\"[[[[\\"' }), 1)).toBe(false);
    expect(exceedsJsonDepth('['.repeat(100_000) + ']'.repeat(100_000), 32)).toBe(true);
  });
});

describe('hasUnpairedSurrogate', () => {
  it('finds a lone half in values and keys at any depth, and accepts real pairs', () => {
    expect(hasUnpairedSurrogate({ a: ['x', { b: '💳 𝕏' }] })).toBe(false);
    expect(hasUnpairedSurrogate({ email: 'a\ud800@b.co' })).toBe(true);
    expect(hasUnpairedSurrogate({ a: [{ b: '\udc00' }] })).toBe(true);
    expect(hasUnpairedSurrogate({ metadata: { '\udfff': 'x' } })).toBe(true);
    expect(hasUnpairedSurrogate('plain')).toBe(false);
    expect(hasUnpairedSurrogate(null)).toBe(false);
  });
});
