import { createConnection, createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy to 127.0.0.1:`targetPort` whose connections a test can cut (a network blip). */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  cuts = 0;

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy();
    proxy.server = createServer((client) => {
      const upstream = createConnection(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        proxy.sockets.add(socket);
        socket.on('close', () => proxy.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.server!.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Resets every open connection. */
  cutAll(): void {
    this.cuts++;
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
