import { countryOfCard } from './bin-country';
import { countryOfIp } from './ip-country';
import { resolvePayerCountry } from './payer-country';

describe('payer country', () => {
  it.each([
    ['4242424242424242', 'US'],
    ['4000003560000008', 'IN'],
    ['4000008260000000', 'GB'],
    ['4000002760000016', 'DE'],
    ['4000000760000002', 'BR'],
    ['4000003920000003', 'JP'],
    ['4000000000000002', 'US'],
    ['4111111111111111', null],
  ])('card %s → %s', (number, country) => {
    expect(countryOfCard(number)).toBe(country);
  });

  it.each([
    ['8.8.8.8', 'US'],
    ['49.44.0.1', 'IN'],
    ['41.90.0.1', 'KE'],
    ['81.2.69.160', 'GB'],
    ['2a00:1450:4001:81b::200e', 'IE'],
    ['10.0.0.1', null],
    ['::1', null],
    ['not-an-ip', null],
  ])('ip %s → %s', (ip, country) => {
    expect(countryOfIp(ip)).toBe(country);
  });

  it('prefers explicit, then ip, then card', () => {
    const card = '4000002760000016';
    expect(resolvePayerCountry({ customerCountry: 'in', customerIp: '8.8.8.8', cardNumber: card })).toEqual({ country: 'IN', source: 'explicit', cardCountry: 'DE' });
    expect(resolvePayerCountry({ customerIp: '8.8.8.8', cardNumber: card })).toEqual({ country: 'US', source: 'ip', cardCountry: 'DE' });
    expect(resolvePayerCountry({ customerIp: '10.1.2.3', cardNumber: card })).toEqual({ country: 'DE', source: 'card', cardCountry: 'DE' });
    expect(resolvePayerCountry({ cardNumber: '4111111111111111' })).toEqual({ country: null, source: null, cardCountry: null });
  });
});
