import { get, IncomingMessage } from 'node:http';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { baseUrl, openSse } from './support/live-clients';

jest.setTimeout(120_000);

/** A small bound so a client that stops reading is over it after a few payments' events. */
const CLIENT_BUFFER_BYTES = 65_536;

/** 50 keys of 500 characters: each event carries about 27 kB of metadata. */
const BIG_METADATA = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key_${i}`, 'x'.repeat(500)]));

interface StalledClient {
  response: IncomingMessage;
  closed: () => boolean;
  /** Reads everything left in the socket and resolves with the ids of the events received. */
  drain(): Promise<string[]>;
}

/** Opens an SSE stream and stops reading it at once, so the server's unsent bytes pile up. */
function openStalledSse(url: string, headers: Record<string, string>): Promise<StalledClient> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
      response.pause();
      let closed = false;
      response.socket.on('close', () => (closed = true));
      resolve({
        response,
        closed: () => closed,
        drain: () =>
          new Promise((done) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (text += chunk));
            // Only whole frames count: the cut may fall in the middle of one.
            const finish = () => done(completeFrameIds(text));
            response.on('end', finish);
            response.on('error', finish);
            response.on('aborted', finish);
            response.resume();
          }),
      });
    });
    request.on('error', reject);
  });
}

function completeFrameIds(text: string): string[] {
  const frames = text.split('\n\n').slice(0, -1);
  return frames.flatMap((frame) => /^id: (\S+)$/m.exec(frame)?.[1] ?? []);
}

async function droppedCount(app: TestApp): Promise<number> {
  const metrics = await app.http.get('/metrics').expect(200);
  const line = (metrics.text as string).split('\n').find((row) => row.startsWith('sandbox_stream_clients_dropped_total'));
  return Number(line?.split(' ').pop() ?? 0);
}

describe('live stream: a client that stops reading (e2e)', () => {
  let app: TestApp;
  let url: string;
  let merchant: TestMerchant;

  beforeAll(async () => {
    app = await startTestApp({ STREAM_CLIENT_BUFFER_BYTES: String(CLIENT_BUFFER_BYTES) });
    url = await baseUrl(app);
    merchant = await createMerchant(app.http, 'Slow stream merchant');
  });

  afterAll(async () => {
    await app.http.delete('/v1/merchants/me').set(bearer(merchant));
    await app.close();
  });

  it('is dropped once its unsent bytes pass the bound, while a reading client gets every event, and it can resume with Last-Event-ID', async () => {
    const droppedBefore = await droppedCount(app);
    const stalled = await openStalledSse(`${url}/v1/events/stream?types=payment.created`, bearer(merchant));
    const reader = await openSse(`${url}/v1/events/stream?types=payment.created`, bearer(merchant));
    expect(stalled.response.statusCode).toBe(200);

    // Keep paying until the server gives up on the stalled client: the kernel's socket buffers take
    // the first megabytes, then the process's own queue passes the bound. A deadline, not a count.
    const created: string[] = [];
    const deadline = Date.now() + 90_000;
    while ((await droppedCount(app)) === droppedBefore) {
      if (Date.now() > deadline) throw new Error(`the stalled client was not dropped after ${created.length} payments`);
      const payment = await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 1000, currency: 'usd', metadata: BIG_METADATA }).expect(201);
      created.push(payment.body.id);
    }
    expect(await droppedCount(app)).toBe(droppedBefore + 1);

    // The reader kept up and saw every payment; the API kept answering throughout.
    await eventually(async () => (reader.messages.length >= created.length ? true : undefined), 30_000);
    expect(reader.messages.map((message) => JSON.parse(message.data).data.object.id)).toEqual(created);
    expect(reader.ended).toBe(false);
    reader.close();

    // The stalled client finds its stream cut short: fewer events than were committed, then the end.
    const received = await stalled.drain();
    await eventually(async () => (stalled.closed() ? true : undefined));
    expect(received.length).toBeLessThan(created.length);

    // What it missed is in the events table: resuming from the last id it got replays exactly the rest.
    const lastSeen = received[received.length - 1];
    const resumed = await openSse(`${url}/v1/events/stream?types=payment.created`, { ...bearer(merchant), 'Last-Event-ID': lastSeen ?? '' });
    try {
      const missed = created.length - received.length;
      await eventually(async () => (resumed.messages.length >= missed ? true : undefined), 30_000);
      expect(resumed.messages.map((message) => JSON.parse(message.data).data.object.id)).toEqual(created.slice(received.length));
    } finally {
      resumed.close();
    }
  });
});
