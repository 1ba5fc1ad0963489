// Every string of a probe result is scrubbed of the current secrets before anything records it,
// and "current" means the list as it is at that run: a secret added by a reload (or a secret file
// read again) is scrubbed from the next result on, with no restart.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInMap, runCheck } from '../../src/checks/run-check.ts';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import type { ProbeResult } from '../../src/probes/probe.ts';
import { createSecretScrubber, SCRUBBED } from '../../src/scrub-secrets.ts';
import type { CheckState } from '../../src/state/check-state.ts';
import { startHttpServer, type RunningServer } from '../support/http-servers.ts';

const OLD = 'old-token-51c9e0';
const ROTATED = 'rotated/Token+77=';
let quoted = '';
let server: RunningServer;
beforeAll(async () => {
  // An error page that quotes what it was given: the value, and a Basic pair holding it.
  server = await startHttpServer((_request, response) => {
    response.setHeader('x-echo', quoted);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ state: `denied for ${quoted}; Basic ${Buffer.from(`duty:${quoted}`).toString('base64')}` }));
  });
});
afterAll(() => server.close());

function checkOf(backend: boolean): Check {
  const input = ConfigInput.parse({
    checks: [
      {
        name: backend ? 'echo-header' : 'echo-body',
        system: 'provincial',
        kind: 'http',
        url: `${server.url}/`,
        expect: { json: [{ path: '$.state', equals: 'ok' }], ...(backend ? { backend: { headers: { 'x-echo': 'none' } } } : {}) },
      },
    ],
  });
  return resolveConfig('scrub.yaml', input, () => '').checks[0]!;
}

describe('results leaving the probe', () => {
  it('are scrubbed of the secrets as they are at each run, a reload included', async () => {
    let secrets: readonly string[] = [OLD];
    const states = new Map<string, CheckState>();
    const recorded: ProbeResult[] = [];
    const deps = {
      clock: () => new Date(),
      log: pino({ level: 'silent' }),
      states,
      record: recordInMap(states),
      scrub: createSecretScrubber(() => secrets, SCRUBBED),
    };
    const checks = [checkOf(true), checkOf(false)];
    const runBoth = async () => {
      for (const check of checks) recorded.push(await runCheck(check, deps));
    };

    quoted = ROTATED;
    await runBoth();
    // Not yet a secret: shown as the endpoint said it.
    expect(JSON.stringify(recorded[0])).toContain(ROTATED);
    expect(JSON.stringify(recorded[1])).toContain(ROTATED);

    secrets = [OLD, ROTATED];
    await runBoth();
    quoted = OLD;
    await runBoth();
    const scrubbed = recorded.slice(2);
    expect(scrubbed.filter((_, index) => index % 2 === 0)).toMatchObject(
      Array(2).fill({ status: 'critical', reason: 'backend', detail: { code: 'backend_unexpected', params: { value: SCRUBBED } } }),
    );
    expect(scrubbed.filter((_, index) => index % 2 === 1)).toMatchObject(
      Array(2).fill({
        status: 'critical',
        reason: 'assertion',
        detail: { code: 'json_differs', params: { value: expect.stringMatching(/^"denied for \*\*\*; Basic \w*\*\*\*/) } },
      }),
    );
    for (const result of scrubbed) {
      const text = JSON.stringify(result);
      for (const secret of [OLD, ROTATED]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(encodeURIComponent(secret));
        expect(text).not.toContain(Buffer.from(`duty:${secret}`).toString('base64').replace(/=+$/, ''));
      }
    }
    // What the state keeps (and the store would write) is the scrubbed result.
    expect(JSON.stringify([...states.values()].map((state) => state.lastResult))).not.toContain(OLD);
  });

  it('are scrubbed of the start of a secret that a quote cut short ends in', async () => {
    const states = new Map<string, CheckState>();
    const deps = {
      clock: () => new Date(),
      log: pino({ level: 'silent' }),
      states,
      record: recordInMap(states),
      scrub: createSecretScrubber(() => [ROTATED], SCRUBBED),
    };
    // Long enough that the quoted value is cut in the middle of the secret.
    quoted = `${'x'.repeat(62)}${ROTATED}`;
    const result = await runCheck(checkOf(false), deps);
    const value = (result.detail?.params as { value: string }).value;
    expect(value).toMatch(/\*\*\*…$/);
    expect(JSON.stringify(result)).not.toContain(ROTATED.slice(0, 5));
  });
});
