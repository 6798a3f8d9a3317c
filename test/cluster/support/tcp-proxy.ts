import { createServer, connect, type Server, type Socket } from 'node:net';

/** A TCP proxy in front of a server: a node reaches PostgreSQL through it, and the test cuts the node off. */
export interface TcpProxy {
  port: number;
  /** From now on every byte either way is dropped, sockets left open: a network partition (no FIN, no RST). */
  blackhole(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let dropping = false;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on('data', (chunk) => void (dropping || to.write(chunk)));
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        if (!dropping) to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    blackhole: () => {
      dropping = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
