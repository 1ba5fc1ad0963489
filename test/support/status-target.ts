// The local target the daemon tests watch: answers 200 "Dịch vụ công" on every path, or the status
// the test set for that path in `statusOf` (a failing portal), on 127.0.0.1.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StatusTarget {
  /** http://127.0.0.1:port, without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startStatusTarget(statusOf: ReadonlyMap<string, number>): Promise<StatusTarget> {
  const server = createServer((request, response) => {
    const status = statusOf.get(request.url ?? '/') ?? 200;
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(status === 200 ? 'Dịch vụ công' : 'down');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
