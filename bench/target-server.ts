// A local target for benchmarks, in its own process so its CPU is charged to neither prober:
// plain HTTP and (with --cert-file/--key-file) HTTPS on 127.0.0.1, a small fixed body, and
// optionally a latency profile (a share of slow answers, a share of 503s).
// Reports on stdout, one JSON object a line:
//   {"event":"listening","httpPort":…,"httpsPort":…}   once both listen (httpsPort null without a cert)
//   {"event":"first-request","epochMs":…}              when the first request arrives (start-up to first probe)
//   npx tsx bench/target-server.ts --cert-file cert.pem --key-file key.pem --slow-share 0.05 --slow-ms 2000 --fail-share 0.01
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'cert-file': { type: 'string' },
    'key-file': { type: 'string' },
    'slow-share': { type: 'string', default: '0' },
    'slow-ms': { type: 'string', default: '2000' },
    'fail-share': { type: 'string', default: '0' },
  },
});
const slowShare = Number(values['slow-share']);
const slowMs = Number(values['slow-ms']);
const failShare = Number(values['fail-share']);
for (const [name, share] of [
  ['slow-share', slowShare],
  ['fail-share', failShare],
] as const) {
  if (!(share >= 0 && share <= 1)) throw new Error(`--${name} must be a share between 0 and 1, got ${String(share)}`);
}

const body = Buffer.from('<html><body>Dịch vụ công — ok</body></html>');
const failBody = Buffer.from('<html><body>Service Unavailable</body></html>');
let firstRequestSeen = false;
const pendingSlowAnswers = new Set<NodeJS.Timeout>();

function report(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function answer(response: ServerResponse, status: number, content: Buffer): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': content.length });
  response.end(content);
}

function handle(_request: IncomingMessage, response: ServerResponse): void {
  if (!firstRequestSeen) {
    firstRequestSeen = true;
    report({ event: 'first-request', epochMs: Date.now() });
  }
  // Drawn per answer, not per path: every target sees the same mix over time.
  const draw = Math.random();
  if (draw < failShare) return answer(response, 503, failBody);
  if (draw < failShare + slowShare) {
    const timer = setTimeout(() => {
      pendingSlowAnswers.delete(timer);
      if (!response.destroyed) answer(response, 200, body);
    }, slowMs);
    pendingSlowAnswers.add(timer);
    response.once('close', () => {
      clearTimeout(timer);
      pendingSlowAnswers.delete(timer);
    });
    return;
  }
  answer(response, 200, body);
}

async function listen(server: Server): Promise<number> {
  // Probers open a fresh connection per probe; a short keep-alive frees the sockets they leave open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve);
  });
  return (server.address() as AddressInfo).port;
}

const servers: Server[] = [createServer(handle)];
if (values['cert-file'] !== undefined && values['key-file'] !== undefined) {
  servers.push(createSecureServer({ cert: readFileSync(values['cert-file']), key: readFileSync(values['key-file']) }, handle));
}
const ports = await Promise.all(servers.map(listen));
report({ event: 'listening', httpPort: ports[0], httpsPort: ports[1] ?? null });

function stop(): void {
  for (const timer of pendingSlowAnswers) clearTimeout(timer);
  for (const server of servers) server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The harness owns this process: when its end of the pipe goes away, so do we.
process.stdin.on('end', stop);
process.stdin.resume();
