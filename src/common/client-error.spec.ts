import { offendingHeader, parseErrorResponse } from './client-error';

const packet = (text: string) => Buffer.from(text, 'latin1');

describe('offendingHeader', () => {
  const head = 'POST /v1/payments HTTP/1.1\r\nHost: x\r\nsandbox-simulate: card\x01declined\r\n\r\n';
  const at = head.indexOf('\x01');

  it('names the header whose line the parser stopped in, in its usual spelling', () => {
    expect(offendingHeader(packet(head), at)).toBe('Sandbox-Simulate');
    expect(offendingHeader(packet('POST / HTTP/1.1\r\nIDEMPOTENCY-KEY: a\x7f'), 35)).toBe('Idempotency-Key');
  });

  it('is undefined on the request line, without a colon, with an odd name or without the packet', () => {
    expect(offendingHeader(packet('POST /v1/pay\x01ments HTTP/1.1\r\n'), 12)).toBeUndefined();
    expect(offendingHeader(packet('POST / HTTP/1.1\r\nno colon here\x01'), 30)).toBeUndefined();
    expect(offendingHeader(packet('POST / HTTP/1.1\r\nbad name: x'), 28)).toBeUndefined();
    expect(offendingHeader(undefined, 10)).toBeUndefined();
    expect(offendingHeader(packet(head), undefined)).toBeUndefined();
  });
});

describe('parseErrorResponse', () => {
  it('is the documented 400 parameter_invalid with param when the header is known, without it otherwise', () => {
    const head = 'POST / HTTP/1.1\r\nSandbox-Simulate: \x01';
    const named = parseErrorResponse(Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_HEADER_TOKEN', rawPacket: packet(head), bytesParsed: head.length - 1 }));
    expect(named.status).toBe(400);
    expect(JSON.parse(named.body)).toEqual({
      error: { type: 'invalid_request_error', code: 'parameter_invalid', message: expect.stringContaining('Sandbox-Simulate'), param: 'Sandbox-Simulate', request_id: named.requestId },
    });
    const anonymous = parseErrorResponse(Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_METHOD' }));
    expect(JSON.parse(anonymous.body).error).toEqual(expect.not.objectContaining({ param: expect.anything() }));
    expect(JSON.parse(anonymous.body).error.code).toBe('parameter_invalid');
  });
});
