// Local stand-ins for where the named channels deliver: a webhook receiver and the Zalo Bot
// Platform's HTTP API (sendMessage, and getUpdates showing the chat ids of people who messaged
// the bot). One HTTP server; it records what it received and fails on demand (an outage: a status
// to answer, or dropped connections), for `dvc-sentinel simulate` and the delivery tests.
//
//   POST {url}/webhook[/anything]              recorded, 200
//   POST {url}/zalo/bot<token>/sendMessage     { chat_id, text } → { ok: true, result: { message_id } }
//   GET  {url}/zalo/bot<token>/getUpdates      messages people sent the bot (their chat ids)
//   POST {url}/control/fail  { "status": 503 } or { "down": true }; POST {url}/control/recover
//   GET  {url}/control/received
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly kind: 'webhook' | 'zalo';
  readonly method: string;
  /** The path; for Zalo without the token. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Zalo: the chat and the text. */
  readonly chatId?: string;
  readonly text?: string;
}

/** How the receiver answers: normally, with a status, or by dropping every connection. */
export type ReceiverMode = { readonly kind: 'ok' } | { readonly kind: 'status'; readonly status: number } | { readonly kind: 'down' };

export interface ChannelReceivers {
  readonly url: string;
  readonly webhookUrl: string;
  /** The apiBase for a Zalo channel. */
  readonly zaloApiBase: string;
  readonly received: readonly ReceivedRequest[];
  setMode(mode: ReceiverMode): void;
  /** Resolves once `count` requests have been received (failed ones are not recorded). */
  waitFor(count: number): Promise<readonly ReceivedRequest[]>;
  close(): Promise<void>;
}

export interface ChannelReceiversOptions {
  readonly host?: string;
  /** 0 = an OS-chosen port. */
  readonly port?: number;
  /** The chat ids getUpdates shows (people who messaged the bot). */
  readonly zaloChats?: readonly { readonly chatId: string; readonly name: string }[];
}

const ZALO_PATH = /^\/zalo\/bot([^/]+)\/(sendMessage|getUpdates|getMe)$/;
const BODY_MAX_BYTES = 1_000_000;

export async function startChannelReceivers(options: ChannelReceiversOptions = {}): Promise<ChannelReceivers> {
  const received: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  let mode: ReceiverMode = { kind: 'ok' };
  let messageId = 0;
  const chats = options.zaloChats ?? [{ chatId: 'a1b2c3d4e5f6', name: 'Kỹ thuật viên trực' }];

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const path = (request.url ?? '/').split('?')[0]!;
    const json = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(value));
    };
    if (path === '/control/fail' && request.method === 'POST') {
      const asked = parse(body) as { status?: unknown; down?: unknown } | undefined;
      mode = asked?.down === true ? { kind: 'down' } : { kind: 'status', status: typeof asked?.status === 'number' ? asked.status : 503 };
      return json(200, { mode });
    }
    if (path === '/control/recover' && request.method === 'POST') {
      mode = { kind: 'ok' };
      return json(200, { mode });
    }
    if (path === '/control/received') return json(200, received);
    if (mode.kind === 'down') {
      request.socket.destroy();
      return;
    }
    if (mode.kind === 'status') return json(mode.status, { ok: false, error_code: mode.status, description: 'simulated failure' });
    const headers = Object.fromEntries(Object.entries(request.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
    if (path === '/webhook' || path.startsWith('/webhook/')) {
      record({ kind: 'webhook', method: request.method ?? '', path, headers, body });
      return json(200, { received: true });
    }
    const zalo = ZALO_PATH.exec(path);
    if (zalo) {
      const method = zalo[2]!;
      if (method === 'getMe') return json(200, { ok: true, result: { id: 'sim-bot', account_name: 'bot.dvcsentinel', display_name: 'dvc-sentinel' } });
      if (method === 'getUpdates') {
        const result = chats.map((chat, index) => ({
          event_name: 'message.text.received',
          message: {
            message_id: `m${index + 1}`,
            from: { id: chat.chatId, display_name: chat.name },
            chat: { id: chat.chatId, chat_type: 'PRIVATE' },
            text: 'Xin chào',
            date: Date.now(),
          },
        }));
        return json(200, { ok: true, result });
      }
      const message = parse(body) as { chat_id?: unknown; text?: unknown } | undefined;
      if (typeof message?.chat_id !== 'string' || typeof message.text !== 'string' || message.text === '')
        return json(400, { ok: false, error_code: 400, description: 'chat_id and text are required' });
      messageId += 1;
      record({ kind: 'zalo', method: request.method ?? '', path: `/zalo/bot…/${method}`, headers, body, chatId: message.chat_id, text: message.text });
      return json(200, { ok: true, result: { message_id: `sim-${messageId}`, date: Date.now() } });
    }
    return json(404, { ok: false, error_code: 404, description: 'not found' });
  };

  const record = (entry: ReceivedRequest) => {
    received.push(entry);
    for (const wake of waiters) wake();
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    webhookUrl: `${url}/webhook`,
    zaloApiBase: `${url}/zalo`,
    received,
    setMode: (next) => {
      mode = next;
    },
    waitFor: (count) =>
      new Promise((resolve) => {
        const check = () => {
          if (received.length < count) return;
          waiters.delete(check);
          resolve(received);
        };
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > BODY_MAX_BYTES) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
