// A carrier SMS gateway (brandname HTTP API) for `simulate` and the tests: takes a message as JSON,
// a form or a GET query on any path, records what it received (fields, method, content type, and
// whether credentials came), and answers {"code":"00","id":N}. It can fail on demand: an HTTP status
// (503 for an outage, 400 for a refusal), 200 with {"code":"99"} (gateways that say no in the body),
// or dropping the connection. Control: GET /_sim/messages, DELETE /_sim/messages,
// PUT /_sim/fail?mode=503|400|reject|drop, DELETE /_sim/fail.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SmsGatewayFailure = number | 'reject' | 'drop';

export interface ReceivedSms {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  /** The message's fields, whatever their encoding. */
  readonly fields: Readonly<Record<string, string>>;
  /** The Authorization header (or the configured header) as received, for the tests to check. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface SmsGatewaySimulator {
  readonly url: string;
  /** Accepted messages, in arrival order. */
  received(): readonly ReceivedSms[];
  /** Requests that were answered with a failure (or dropped). */
  refused(): number;
  /** Fails every request from now on (after accepting `afterAccepting` more); undefined heals. */
  failWith(failure: SmsGatewayFailure | undefined, afterAccepting?: number): void;
  /** Resolves once `count` messages have been accepted. */
  waitFor(count: number): Promise<readonly ReceivedSms[]>;
  close(): Promise<void>;
}

const CONTROL = '/_sim/';
/** Its port in `simulate`: the portal simulator's base port plus this. */
export const SMS_GATEWAY_PORT_OFFSET = 11;

export async function startSmsGatewaySimulator(options: { readonly host?: string; readonly port?: number } = {}): Promise<SmsGatewaySimulator> {
  const received: ReceivedSms[] = [];
  let failure: SmsGatewayFailure | undefined;
  /** Messages still accepted before `failure` applies. */
  let grace = 0;
  let refusedCount = 0;
  const waiters: { count: number; resolve: (list: readonly ReceivedSms[]) => void }[] = [];

  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  };

  const control = (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const what = url.pathname.slice(CONTROL.length);
    if (what === 'messages' && request.method === 'GET') return json(response, 200, received);
    if (what === 'messages' && request.method === 'DELETE') {
      received.length = 0;
      return json(response, 200, { ok: true });
    }
    if (what === 'fail' && request.method === 'PUT') {
      const mode = url.searchParams.get('mode') ?? '503';
      failure = mode === 'reject' || mode === 'drop' ? mode : Number(mode);
      return json(response, 200, { failing: failure });
    }
    if (what === 'fail' && request.method === 'DELETE') {
      failure = undefined;
      return json(response, 200, { failing: null });
    }
    return json(response, 404, { error: 'unknown control request' });
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://sim');
      if (url.pathname.startsWith(CONTROL)) return control(request, response, url);
      const failing = grace > 0 ? undefined : failure;
      if (failing === 'drop') {
        refusedCount += 1;
        request.socket.destroy();
        return;
      }
      if (typeof failing === 'number') {
        refusedCount += 1;
        return json(response, failing, { code: String(failing), message: 'simulated failure' });
      }
      if (failing === 'reject') {
        refusedCount += 1;
        return json(response, 200, { code: '99', message: 'simulated refusal' });
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const contentType = request.headers['content-type'] ?? '';
      let fields: Record<string, string>;
      try {
        fields = contentType.startsWith('application/json')
          ? (JSON.parse(body) as Record<string, string>)
          : Object.fromEntries(new URLSearchParams(contentType.startsWith('application/x-www-form-urlencoded') ? body : url.search));
      } catch {
        return json(response, 400, { code: '01', message: 'malformed body' });
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
      if (grace > 0) grace -= 1;
      received.push({ method: request.method ?? '', path: url.pathname, contentType, fields, headers });
      json(response, 200, { code: '00', message: 'accepted', id: received.length });
      for (const waiter of [...waiters]) {
        if (received.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve([...received]);
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    received: () => [...received],
    refused: () => refusedCount,
    failWith(next, afterAccepting = 0) {
      failure = next;
      grace = afterAccepting;
    },
    waitFor: (count) => (received.length >= count ? Promise.resolve([...received]) : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
