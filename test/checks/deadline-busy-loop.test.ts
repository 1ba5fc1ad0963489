// A probe's deadline is judged by when its answer reached the socket, not by when a busy event
// loop got to it: the target answers in 100 ms, then this process is kept busy (1.5 s) past the 400 ms
// deadline (as a burst of requests at the server would). The answer waiting in the socket counts.
// The target runs in a worker thread, whose own loop is not blocked.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInMap, runCheck } from '../../src/checks/run-check.ts';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import type { CheckState } from '../../src/state/check-state.ts';

const TARGET = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
let answerAfterMs = 100;
parentPort.on('message', (ms) => { answerAfterMs = ms; });
const server = http.createServer((request, response) => {
  parentPort.postMessage({ received: request.url });
  setTimeout(() => response.end('ok'), answerAfterMs);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;

let worker: Worker;
let port: number;
beforeAll(async () => {
  worker = new Worker(TARGET, { eval: true });
  const [message] = (await once(worker, 'message')) as [{ port: number }];
  port = message.port;
});
afterAll(() => worker.terminate());

function checkOf(timeout: string): Check {
  const input = ConfigInput.parse({
    checks: [{ name: 'portal-home', system: 'national-portal', kind: 'http', url: `http://127.0.0.1:${port}/`, timeout, failureThreshold: 1 }],
  });
  return resolveConfig('deadline.yaml', input, () => '').checks[0]!;
}

/** Keeps this thread's event loop from running for `ms`, as a burst of work would. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

async function probeWhileBusy(answerAfterMs: number, busyMs: number) {
  worker.postMessage(answerAfterMs);
  const states = new Map<string, CheckState>();
  // Once the target has the request, the loop is held until well past the deadline.
  const received = once(worker, 'message').then(() => busy(busyMs));
  const result = await runCheck(checkOf('400ms'), { clock: () => new Date(), log: pino({ level: 'silent' }), states, record: recordInMap(states) });
  await received;
  return result;
}

describe('the probe deadline on a busy event loop', () => {
  it('takes an answer that arrived in time even when the loop reached it after the deadline', async () => {
    const result = await probeWhileBusy(100, 1_500);
    expect(result).toMatchObject({ status: 'ok', httpStatus: 200 });
    // The time it took the loop to get there is still what the probe measured.
    expect(result.durationSeconds).toBeGreaterThan(0.4);
  });

  it('still times out an answer that came after the deadline', async () => {
    const result = await probeWhileBusy(700, 200);
    expect(result).toMatchObject({ status: 'critical', reason: 'timeout' });
    expect(result.durationSeconds).toBeLessThan(0.7);
  });
});
