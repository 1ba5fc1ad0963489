// The floor: a bare Node client doing the probes the daemon does, and nothing else. Each target
// once per interval at its own offset (as the daemon's scheduler spreads them), a raw connection
// per probe, one GET written by hand, the answer read up to its Content-Length, the socket
// destroyed. HTTPS: tls.connect with one shared secure context (the CA file only), the chain and
// the name verified, a full handshake every probe (no session is offered, so none is resumed).
// Runs as its own process so its CPU can be read from /proc like any prober's.
// Protocol on stdio, one JSON object a line: it reports {"event":"ready"} once started; a line
// "window" on stdin makes it answer {"event":"window","probes":…,"failures":…,"skipped":…} for
// the time since the previous "window" line and start counting afresh.
//   npx tsx bench/floor-client.ts --protocol https --port 8443 --checks 200 --interval-ms 1000 --ca-file ca.pem
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    protocol: { type: 'string', default: 'http' },
    port: { type: 'string' },
    checks: { type: 'string', default: '200' },
    'interval-ms': { type: 'string', default: '1000' },
    'timeout-ms': { type: 'string', default: '900' },
    'ca-file': { type: 'string' },
  },
});
const https = values.protocol === 'https';
const port = Number(values.port);
const checks = Number(values.checks);
const intervalMs = Number(values['interval-ms']);
const timeoutMs = Number(values['timeout-ms']);
if (!(port > 0) || !(checks > 0) || !(intervalMs > 0)) throw new Error('floor-client needs --port, --checks and --interval-ms');
if (https && values['ca-file'] === undefined) throw new Error('floor-client --protocol https needs --ca-file');
const secureContext = https ? tls.createSecureContext({ ca: readFileSync(values['ca-file']!) }) : undefined;
const requests = Array.from({ length: checks }, (_, index) =>
  Buffer.from(`GET /c/${index} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: floor\r\n\r\n`, 'latin1'),
);
const HEADER_END = Buffer.from('\r\n\r\n');

let probes = 0;
let failures = 0;
let skipped = 0;
const inFlight = new Uint8Array(checks);

function probe(index: number): void {
  if (inFlight[index]) {
    skipped += 1;
    return;
  }
  inFlight[index] = 1;
  let done = false;
  let received: Buffer = Buffer.alloc(0);
  const finish = (ok: boolean): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.destroy();
    inFlight[index] = 0;
    probes += 1;
    if (!ok) failures += 1;
  };
  const onData = (chunk: Buffer): void => {
    received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
    const headerEnd = received.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = received.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (length === null || received.length - headerEnd - 4 >= Number(length[1])) finish(head.startsWith('HTTP/1.1 200'));
  };
  const socket = https
    ? tls.connect({ host: '127.0.0.1', port, secureContext, ALPNProtocols: ['http/1.1'] }, () => socket.write(requests[index]!))
    : net.connect({ host: '127.0.0.1', port }, () => socket.write(requests[index]!));
  const timer = setTimeout(() => finish(false), timeoutMs);
  socket.on('data', onData);
  socket.on('error', () => finish(false));
  socket.on('end', () => finish(false));
}

// Each target at its own fixed offset in the interval, on the monotonic clock.
const slotMs = intervalMs / checks;
const startedAt = performance.now();
let next = 0;
function tick(): void {
  const now = performance.now();
  while (startedAt + next * slotMs <= now) {
    probe(next % checks);
    next += 1;
  }
  setTimeout(tick, Math.max(0, startedAt + next * slotMs - performance.now()));
}
tick();

process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'window') return;
  process.stdout.write(`${JSON.stringify({ event: 'window', probes, failures, skipped })}\n`);
  probes = 0;
  failures = 0;
  skipped = 0;
});
// The harness owns this process: when its end of the pipe goes away, so do we.
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
