/**
 * A port on 127.0.0.1 that can refuse connections (nothing listening, as when a mail server is
 * down) and later accept them again, forwarding each connection to a real server behind it.
 * The receivers' own helpers pick a new port when restarted; this keeps the port the config
 * names. Closed when the test finishes.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';
import { freePort } from '../../support/free-port.js';

export interface TcpGate {
  readonly port: number;
  /** Starts accepting and forwarding to `127.0.0.1:targetPort`. */
  open(): Promise<void>;
  /** Stops listening (connections are refused) and cuts the forwarded ones. */
  close(): Promise<void>;
}

export async function startTcpGate(targetPort: number): Promise<TcpGate> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const gate: TcpGate = {
    port,
    open: () =>
      new Promise((resolve, reject) => {
        const s = createServer((client) => {
          const upstream = connect(targetPort, '127.0.0.1');
          track(client);
          track(upstream);
          client.pipe(upstream).pipe(client);
          const end = (): void => {
            client.destroy();
            upstream.destroy();
          };
          client.on('error', end);
          upstream.on('error', end);
        });
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve());
        server = s;
      }),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        const s = server;
        server = undefined;
        if (s === undefined || !s.listening) return resolve();
        s.close(() => resolve());
      }),
  };
  onTestFinished(() => gate.close());
  return gate;
}
