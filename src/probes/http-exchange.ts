// One HTTP/1.1 request and its answer on a connection the probe opened itself, then closed: what
// an http probe does on each hop. The answer is parsed by http-parser-js (Node's own parser
// interface, in JavaScript), driven straight from the socket's data events. undici's Client did
// this before; built and torn down for every probe (one connection, one request, never reused) its
// dispatcher, request object, body stream and destroy cost about 0.1 ms of CPU per probe, a third
// of what the connection itself costs, which is more than the prober's whole budget above a bare
// client (bench/README.md). The body is capped and decoded by read-body.ts.
import type net from 'node:net';
import { HTTPParser } from 'http-parser-js';
import { ProbeFailure, timeoutFailure } from './probe-failure.ts';
import { probeMessage, type Phase } from './probe.ts';
import { receiveBody, type BodyReceiver } from './read-body.ts';

// Header lines as bytes, as undici and browsers read them (the parser's default, ascii, would drop
// the high bit of every byte).
HTTPParser.encoding = 'latin1';

/** Node's and undici's default limit for the status line and headers together. */
const MAX_HEADER_BYTES = 16 * 1024;

export interface ExchangeRequest {
  readonly method: string;
  /** Path and query, e.g. `/api?x=1`. */
  readonly path: string;
  /** host[:port] for the Host header, unless the headers name one. */
  readonly host: string;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface ExchangeOptions {
  readonly signal: AbortSignal;
  readonly maxBodyBytes: number;
  /** Who answers (a host, never a URL), for messages. */
  readonly from: string;
  /** Told when the status line and headers are in. */
  readonly onHeaders?: (status: number) => void;
}

export interface ExchangeAnswer {
  readonly status: number;
  /** Lower-cased names; a header sent more than once is an array, in the order sent. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** Complete and decoded (content-encoding); over maxBodyBytes is a body_too_large failure instead. */
  readonly body: Buffer;
}

/** Methods whose request carries a body, so an empty one is announced as such (as undici does). */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Writes the request and reads one answer, skipping informational (1xx) answers. Rejects only
 * with a ProbeFailure: timeout (the signal), protocol (not HTTP, closed early, undecodable) or
 * body_too_large. The socket is the caller's to destroy.
 */
export function exchangeHttp(socket: net.Socket, request: ExchangeRequest, options: ExchangeOptions): Promise<ExchangeAnswer> {
  return new Promise<ExchangeAnswer>((resolve, reject) => {
    const { signal, from } = options;
    const parser = new HTTPParser(HTTPParser.RESPONSE);
    parser.maxHeaderSize = MAX_HEADER_BYTES;
    let status: number | undefined;
    let headers: Record<string, string | string[]> | undefined;
    let receiver: BodyReceiver | undefined;
    let settled = false;

    const phase = (): Phase => (headers === undefined ? 'ttfb' : 'transfer');
    const cleanup = (): void => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
    };
    const fail = (failure: ProbeFailure): void => {
      if (settled) return;
      cleanup();
      receiver?.abort();
      socket.destroy();
      reject(failure);
    };
    const closedEarly = (cause?: unknown): ProbeFailure => {
      const during = phase() === 'transfer' ? 'body' : 'answer';
      return new ProbeFailure(
        'protocol',
        during === 'body' ? `${from} closed the connection in the middle of the body` : `${from} closed the connection without answering`,
        {
          phase: phase(),
          ...(cause === undefined ? {} : { cause }),
          detail: probeMessage('connection_closed', { host: from, during }),
        },
      );
    };
    const invalid = (code: string, cause?: unknown): ProbeFailure =>
      new ProbeFailure('protocol', `invalid HTTP response from ${from} (${code})`, {
        phase: phase(),
        ...(cause === undefined ? {} : { cause }),
        detail: probeMessage('http_exchange_failed', { host: from, code }),
      });

    parser[HTTPParser.kOnHeadersComplete] = (info: { statusCode: number; headers: string[] }): number => {
      // 100 Continue, 103 Early Hints: the answer still comes, after them (101 ends the exchange).
      if (info.statusCode >= 100 && info.statusCode < 200 && info.statusCode !== 101) return 0;
      status = info.statusCode;
      headers = headerRecord(info.headers);
      const length = headers['content-length'];
      if (length !== undefined && !validLength(length)) throw Object.assign(new Error('invalid content-length'), { code: 'HPE_INVALID_CONTENT_LENGTH' });
      receiver = receiveBody({ maxBodyBytes: options.maxBodyBytes, signal, from, encoding: headers['content-encoding'], length });
      options.onHeaders?.(status);
      // A HEAD answer announces a length but carries no body: 1 tells the parser so.
      return request.method === 'HEAD' ? 1 : 0;
    };
    parser[HTTPParser.kOnBody] = (chunk: Buffer, start: number, length: number): void => {
      if (settled || receiver === undefined) return;
      const failure = receiver.push(start === 0 && length === chunk.length ? chunk : chunk.subarray(start, start + length));
      if (failure !== undefined) fail(failure);
    };
    parser[HTTPParser.kOnMessageComplete] = (): void => {
      // The end of an informational answer; the real one follows on the same connection.
      if (settled || status === undefined || receiver === undefined) return;
      const answered = { status, headers: headers! };
      const body = receiver;
      cleanup();
      body.end().then((buffer) => resolve({ ...answered, body: buffer }), reject);
    };

    const onData = (chunk: Buffer): void => {
      let outcome: number | Error;
      try {
        outcome = parser.execute(chunk);
      } catch (error) {
        // A callback above threw: a content-length that is not a number.
        fail(invalid(codeOf(error), error));
        return;
      }
      if (outcome instanceof Error) fail(invalid(codeOf(outcome), outcome));
    };
    // An answer without a length ends when the server closes; any other close is too early.
    const onEnd = (): void => {
      if (settled) return;
      const outcome = headers === undefined ? new Error('closed') : parser.finish();
      if (!settled) fail(closedEarly(outcome instanceof Error ? undefined : outcome));
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      if (!settled) fail(closedEarly(error));
    };
    const onAbort = (): void => fail(timeoutFailure(signal, phase()));

    if (signal.aborted) {
      onAbort();
      return;
    }
    const head = requestHead(request);
    if (head instanceof ProbeFailure) {
      fail(head);
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.on('error', onError);
    socket.write(head);
  });
}

/** The request as bytes; a header with a line break would smuggle another header in, so it is refused. */
function requestHead(request: ExchangeRequest): Buffer | ProbeFailure {
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  let text = `${request.method} ${request.path} HTTP/1.1\r\n`;
  if (request.headers.host === undefined) text += `host: ${request.host}\r\n`;
  for (const name in request.headers) {
    const value = request.headers[name]!;
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) {
      return new ProbeFailure('protocol', `request header ${name} contains a line break; not sent`, {
        phase: 'ttfb',
        detail: probeMessage('http_exchange_failed', { host: request.host, code: 'invalid_header' }),
      });
    }
    if (name === 'content-length' || name === 'connection' || name === 'transfer-encoding') continue;
    text += `${name}: ${value}\r\n`;
  }
  if (body !== undefined || BODY_METHODS.has(request.method)) text += `content-length: ${body?.length ?? 0}\r\n`;
  // One request per connection, closed by the prober as soon as it is answered.
  text += 'connection: close\r\n\r\n';
  const head = Buffer.from(text, 'latin1');
  return body === undefined || body.length === 0 ? head : Buffer.concat([head, body]);
}

/** Lower-cased names, repeated headers gathered in arrays, as undici gave them. */
function headerRecord(list: readonly string[]): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (let index = 0; index + 1 < list.length; index += 2) {
    const name = list[index]!.toLowerCase();
    const value = list[index + 1]!;
    const known = Object.hasOwn(record, name) ? record[name] : undefined;
    if (known === undefined) {
      // A server may send any name; "__proto__" must stay a header, not become the prototype.
      if (name === '__proto__') Object.defineProperty(record, name, { value, enumerable: true, configurable: true, writable: true });
      else record[name] = value;
    } else if (typeof known === 'string') record[name] = [known, value];
    else known.push(value);
  }
  return record;
}

/** Digits only; a repeated header must repeat the same number (the parser refuses different ones). */
function validLength(value: string | readonly string[]): boolean {
  return typeof value === 'string' ? LENGTH.test(value) : value.every((text) => LENGTH.test(text));
}

const LENGTH = /^\s*\d{1,15}\s*$/;

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const message = (error as Error).message;
  return message === 'max header size exceeded' ? 'HPE_HEADER_OVERFLOW' : 'HPE_INVALID';
}
