import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signatureHeader } from './webhook-signature';

describe('webhook signatures', () => {
  const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment.captured', data: { object: { amount: 1 } } });
  const id = 'evt_1';
  const now = () => Math.floor(Date.now() / 1000);

  it('generates whsec_ secrets of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('is verified by the standardwebhooks library, and only with the right secret and body', () => {
    const secret = generateWebhookSecret();
    const timestamp = now();
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader([secret], id, timestamp, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('"amount":1', '"amount":2'), headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_2' })).toThrow();
  });

  it('lists one v1 entry per secret while a rotation overlaps', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const timestamp = now();
    const header = signatureHeader([current, previous], id, timestamp, body);
    expect(header.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': header };
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
  });
});
