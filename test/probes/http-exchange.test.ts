// What the http probe reads off the wire, byte by byte: answers written by hand on a raw socket
// (chunked, without a length, after informational answers, cut short, malformed), and the
// request it writes. Each server is a real TCP listener on 127.0.0.1.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpCheck } from '../../src/config/config.ts';
import { measureHttp, probeHttp } from '../../src/probes/http.ts';
import { contextFor } from '../support/probe-context.ts';
import { httpCheck, type HttpCheckOverrides } from '../support/http-check.ts';

interface RawServer {
  readonly url: string;
  /** Every request received, as text. */
  readonly requests: string[];
  close(): Promise<void>;
}

const servers: RawServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Answers each connection with `answer` once the request's head is in; `end` closes afterwards. */
async function rawServer(answer: (socket: net.Socket, request: string) => void): Promise<RawServer> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const length = /\r\ncontent-length: *(\d+)/i.exec(received.slice(0, headEnd));
      if (length !== null && received.length - headEnd - 4 < Number(length[1])) return;
      requests.push(received);
      received = '';
      answer(socket, requests.at(-1)!);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const running: RawServer = {
    url: `http://127.0.0.1:${port}/status?x=1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(running);
  return running;
}

function check(url: string, overrides: HttpCheckOverrides = {}): HttpCheck {
  return httpCheck(url, { name: 'exchange', system: 'provincial-portal', timeoutSeconds: 2, failureThreshold: 1, successThreshold: 1, ...overrides });
}

async function measure(server: RawServer, overrides: HttpCheckOverrides = {}) {
  return measureHttp(check(server.url, overrides), contextFor(2000));
}

describe('answers read off the wire', () => {
  it('reads a chunked body whole, trailers and all', async () => {
    const server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n');
      const chunk = (text: string): string => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
      socket.write(Buffer.from(chunk('Dịch')));
      socket.end(Buffer.from(`${chunk(' vụ công')}0\r\nX-Trailer: yes\r\n\r\n`));
    });
    const measured = await measure(server);
    expect(measured.kind).toBe('response');
    if (measured.kind !== 'response') return;
    expect(measured.httpStatus).toBe(200);
    expect(measured.body.toString('utf8')).toBe('Dịch vụ công');
  });

  it('reads an answer without a length up to the close', async () => {
    const server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nfirst part, ');
      setImmediate(() => socket.end('second part'));
    });
    const measured = await measure(server);
    expect(measured.kind === 'response' && measured.body.toString()).toBe('first part, second part');
  });

  it('skips 100 Continue and 103 Early Hints and reads the answer after them', async () => {
    const server = await rawServer((socket) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n');
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy');
    });
    const result = await probeHttp(check(server.url), contextFor(2000));
    expect(result.httpStatus).toBe(503);
    expect(result.reason).toBe('http_status');
  });

  it('does not wait for the body a HEAD answer announces', async () => {
    const server = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n'));
    const started = performance.now();
    const measured = await measure(server, { method: 'HEAD' });
    expect(measured.kind === 'response' && measured.body.length).toBe(0);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(server.requests[0]).toMatch(/^HEAD \/status\?x=1 HTTP\/1\.1\r\n/);
  });

  it('gives repeated headers as an array, names lower-cased, and keeps __proto__ a header', async () => {
    const server = await rawServer((socket) =>
      socket.end('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n__proto__: x\r\nX-Served-By: node-2\r\nContent-Length: 2\r\n\r\nok'),
    );
    const measured = await measure(server);
    expect(measured.kind).toBe('response');
    if (measured.kind !== 'response') return;
    expect(measured.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(measured.headers['x-served-by']).toBe('node-2');
    expect(Object.getPrototypeOf(measured.headers)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(measured.headers, '__proto__')?.value).toBe('x');
  });

  it('keeps header bytes above ASCII as latin1 text, as undici and browsers read them', async () => {
    const server = await rawServer((socket) =>
      socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nX-Note: '), Buffer.from([0xe9]), Buffer.from('\r\nContent-Length: 0\r\n\r\n')])),
    );
    const measured = await measure(server);
    expect(measured.kind === 'response' && measured.headers['x-note']).toBe('é');
  });

  it('says the connection closed in the middle of the body when fewer bytes come than announced', async () => {
    const server = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this'));
    const result = await probeHttp(check(server.url), contextFor(2000));
    expect(result.reason).toBe('protocol');
    expect(result.message).toMatch(/closed the connection in the middle of the body/);
    expect(result.phases.ttfb).toBeGreaterThanOrEqual(0);
  });

  it('says the connection closed without an answer when nothing comes back', async () => {
    const server = await rawServer((socket) => socket.end());
    const result = await probeHttp(check(server.url), contextFor(2000));
    expect(result.reason).toBe('protocol');
    expect(result.message).toMatch(/closed the connection without answering/);
  });

  it('refuses what is not HTTP, a length that is not a number, and headers that never end', async () => {
    const cases: (readonly string[])[] = [
      ['SSH-2.0-OpenSSH_9.2\r\n\r\n'],
      ['HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n0123456789'],
      // Past 16 KiB of header lines, arriving as they come: refused, not collected without end.
      ['HTTP/1.1 200 OK\r\n', ...Array.from({ length: 8 }, (_, index) => `X-Filler-${index}: ${'a'.repeat(4096)}\r\n`)],
    ];
    for (const writes of cases) {
      const server = await rawServer((socket) => {
        const [first, ...rest] = writes;
        socket.write(first!);
        const next = (): void => {
          const piece = rest.shift();
          if (piece !== undefined && !socket.destroyed) socket.write(piece, () => setImmediate(next));
        };
        next();
      });
      const answer = writes[0]!;
      const result = await probeHttp(check(server.url), contextFor(2000));
      expect(result.reason, answer.slice(0, 30)).toBe('protocol');
      expect(result.message).toMatch(/invalid HTTP response from 127\.0\.0\.1:\d+ \(HPE_/);
    }
  });

  it('ends at the deadline with the phase it was in when the body stops coming', async () => {
    const server = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const result = await probeHttp(check(server.url, { timeoutSeconds: 0.3 }), contextFor(300));
    expect(result.reason).toBe('timeout');
    expect(result.message).toMatch(/during transfer/);
  });
});

describe('the request written', () => {
  it('sends the method, path and query, Host, the headers, a body with its length, and asks to close', async () => {
    const server = await rawServer((socket) => socket.end('HTTP/1.1 204 No Content\r\n\r\n'));
    const measured = await measure(server, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body: '{"ma":"Đ1"}' });
    expect(measured.kind === 'response' && measured.httpStatus).toBe(204);
    const request = server.requests[0]!;
    const port = new URL(server.url).port;
    expect(request).toMatch(/^POST \/status\?x=1 HTTP\/1\.1\r\n/);
    expect(request).toContain(`\r\nhost: 127.0.0.1:${port}\r\n`);
    expect(request).toContain('\r\nx-api-key: k\r\n');
    expect(request).toContain(`\r\ncontent-length: ${Buffer.byteLength('{"ma":"Đ1"}')}\r\n`);
    expect(request).toContain('\r\nconnection: close\r\n');
    expect(Buffer.from(request, 'latin1').toString('utf8').endsWith('\r\n\r\n{"ma":"Đ1"}')).toBe(true);
  });

  it('announces an empty body for a POST without one, and none for a GET', async () => {
    const server = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    await measure(server, { method: 'POST' });
    await measure(server);
    expect(server.requests[0]).toContain('\r\ncontent-length: 0\r\n');
    expect(server.requests[1]).not.toMatch(/content-length/i);
  });

  it('refuses to send a header whose value carries a line break', async () => {
    const server = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    const result = await probeHttp(check(server.url, { headers: { 'x-token': 'a\r\nx-injected: 1' } }), contextFor(2000));
    expect(result.reason).toBe('protocol');
    expect(server.requests).toHaveLength(0);
  });
});
