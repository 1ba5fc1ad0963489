// The simulated Keycloak issues tokens, so `auths:` can be tried against `dvc-sentinel simulate`:
// a check with an oauth2 auth fetches a token from it and reads the provincial sync API, and a
// wrong secret fails with reason auth, without calling the API.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpCheck } from '../../src/config/config.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/log.ts';
import { createAuthBroker } from '../../src/probes/auth/auth-broker.ts';
import { probeHttp } from '../../src/probes/http.ts';
import { OIDC_TOKEN_PATH, SIM_CLIENT, SYNC_STATUS_PATH } from '../../src/sim/handlers.ts';
import { startTestSimulator, type TestSimulator } from './sim-fixture.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function probeWithSecret(sim: TestSimulator['sim'], secret: string) {
  const dir = mkdtempSync(join(tmpdir(), 'dvc-sim-auth-'));
  const file = join(dir, 'monitor.yaml');
  writeFileSync(
    file,
    [
      'checks:',
      '  - name: provincial-sync-api',
      '    system: provincial',
      '    kind: http',
      `    url: "${sim.urls.syncProvincial}${SYNC_STATUS_PATH}"`,
      `    auth: { type: oauth2, tokenUrl: "${sim.urls.provincialSso}${OIDC_TOKEN_PATH}", clientId: ${SIM_CLIENT.id}, clientSecret: "\${SIM_SECRET}" }`,
      '',
    ].join('\n'),
  );
  const { config } = loadConfig(file, { SIM_SECRET: secret });
  const broker = createAuthBroker({ auths: config.auths, env: {}, log: createLogger({ level: 'silent' }) });
  closers.push(() => broker.stop());
  const check = config.checks[0] as HttpCheck;
  return probeHttp(check, { signal: AbortSignal.timeout(5000), clock: () => new Date(), log: createLogger({ level: 'silent' }), auth: broker });
}

describe('the simulated Keycloak', () => {
  it('gives a token for its client, which the provincial sync API takes', async () => {
    const running = await startTestSimulator();
    closers.push(() => running.close());
    const result = await probeWithSecret(running.sim, SIM_CLIENT.secret);
    expect([result.status, result.httpStatus]).toEqual(['ok', 200]);
  });

  it('refuses a wrong secret: the check fails with reason auth and says invalid_client', async () => {
    const running = await startTestSimulator();
    closers.push(() => running.close());
    const result = await probeWithSecret(running.sim, 'not-the-secret');
    expect(result.reason).toBe('auth');
    expect(result.message).toContain('invalid_client');
    expect(result.message).not.toContain('not-the-secret');
  });
});
