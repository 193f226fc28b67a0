// Test-only: a network cut between a station and a service it needs (Supabase, the token service).
import net, { type AddressInfo } from 'node:net';

/**
 * How a shut gate behaves: `refuse` as a service that is down (connections refused at once);
 * `silent` as a network that loses every packet (connections are taken and never answered, so the
 * caller waits for its own timeout). Either way the connections open at the cut are cut.
 */
export type GateCut = 'refuse' | 'silent';

/** A TCP pass-through that can be shut and reopened on the same port. */
export interface Gate {
  readonly url: string;
  open(): Promise<void>;
  close(cut?: GateCut): Promise<void>;
}

/** `listenPort`: a port reserved for the gate (0 picks a free one). */
export async function startGate(targetUrl: string, listenPort = 0): Promise<Gate> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let silent = false;
  let port = listenPort;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      if (server) return resolve();
      const next = net.createServer((client) => {
        track(client);
        client.on('error', () => undefined);
        if (silent) return; // taken, never answered
        const upstream = net.connect(Number(target.port), target.hostname);
        track(upstream);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.pipe(upstream).pipe(client);
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as AddressInfo).port;
        server = next;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = null;
      if (!current) return resolve();
      current.close(() => resolve());
    });
  const open = async () => {
    // Whatever hung on the silent gate is cut: stale connections of a network that came back.
    if (silent) cutAll();
    silent = false;
    await listen();
  };
  const close = async (cut: GateCut = 'refuse') => {
    silent = cut === 'silent';
    cutAll();
    if (silent) await listen();
    else await stopListening();
  };
  await listen();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    open,
    close,
  };
}
