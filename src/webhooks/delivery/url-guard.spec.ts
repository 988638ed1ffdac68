import { isPrivateAddress, resolvesToPrivateAddress } from './url-guard';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.0.1', '169.254.169.254',
    '0.0.0.0', '100.64.0.1', '::1', '::', 'fe80::1', 'fd12:3456::1', 'fc00::1', '::ffff:127.0.0.1', '::ffff:7f00:1',
    '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '[::1]',
  ])('%s is private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '93.184.215.14', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', 'example.com'])(
    '%s is not private',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});

describe('resolvesToPrivateAddress', () => {
  it('checks IP literals (also in the integer form URL parsing normalizes) and localhost names', async () => {
    expect(await resolvesToPrivateAddress(new URL('http://2130706433/'))).toBe(true);
    expect(await resolvesToPrivateAddress(new URL('http://[::ffff:127.0.0.1]/'))).toBe(true);
    expect(await resolvesToPrivateAddress(new URL('http://localhost:3000/'))).toBe(true);
    expect(await resolvesToPrivateAddress(new URL('http://8.8.8.8/'))).toBe(false);
  });
});
