import { promises as dns } from 'node:dns';
import { readFile } from 'node:fs/promises';
import { connect, type PeerCertificate } from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DNS_CHANGED_ADDRESS } from '../../src/sim/dns.ts';
import { OIDC_DISCOVERY_PATH, PUBLIC_FORMALITY_PATH, SYNC_STATUS_PATH } from '../../src/sim/handlers.ts';
import { startSimulator } from '../../src/sim/simulator.ts';
import { createFakeClock, fetchJson, fetchText, startTestSimulator, type TestSimulator } from './sim-fixture.ts';

const NATIONAL_STATUS_NAMES = ['receiving', 'new', 'denied', 'processing', 'waiting', 'paying', 'cancelled', 'unresolved', 'releasing', 'done'];
const BEARER = { authorization: 'Bearer demo-token' };

let running: TestSimulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: Parameters<typeof startTestSimulator>[0] = {}): Promise<TestSimulator> {
  running = await startTestSimulator(options);
  return running;
}

function postFormalities(base: string, body: Record<string, unknown> = { limit: 5, lastId: '', q: '', categoryId: '', departmentCode: '' }) {
  return fetchText(`${base}${PUBLIC_FORMALITY_PATH}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

async function peerCertificate(url: string, ca: string): Promise<{ certificate: PeerCertificate; authorized: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca }, () => {
      resolve({ certificate: socket.getPeerCertificate(), authorized: socket.authorized });
      socket.end();
    });
    socket.once('error', reject);
  });
}

function resolverFor(address: string): dns.Resolver {
  const resolver = new dns.Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([address]);
  return resolver;
}

function daysUntil(validTo: string): number {
  return (Date.parse(validTo) - Date.now()) / 86_400_000;
}

describe('startSimulator: the systems when healthy', () => {
  it('serves the national portal pages as UTF-8 HTML', async () => {
    const { sim } = await start();
    for (const [path, words] of [
      ['/', 'Dịch vụ công'],
      ['/thu-tuc-hanh-chinh', 'Tra cứu thủ tục hành chính'],
      ['/tra-cuu-ho-so', 'Tra cứu hồ sơ'],
    ] as const) {
      const page = await fetchText(`${sim.urls.national}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.text).toContain(words);
    }
    expect((await fetchText(`${sim.urls.national}/khong-co`)).status).toBe(404);
  });

  it('answers the public formality API with 201 and {code: OK, data: {items, total}}', async () => {
    const { sim } = await start();
    const response = await postFormalities(sim.urls.national);
    expect(response.status).toBe(201);
    const json = JSON.parse(response.text) as { code: string; data: { items: { id: string; name: string }[]; total: number } };
    expect(json.code).toBe('OK');
    expect(json.data.items).toHaveLength(5);
    expect(json.data.total).toBeGreaterThan(5);
    expect(json.data.items.map((item) => item.name)).toContain('Đăng ký khai sinh');

    const next = JSON.parse((await postFormalities(sim.urls.national, { limit: 5, lastId: json.data.items[4]!.id })).text) as typeof json;
    expect(next.data.items[0]!.id).not.toBe(json.data.items[0]!.id);
    const search = JSON.parse((await postFormalities(sim.urls.national, { limit: 5, q: 'kết hôn' })).text) as typeof json;
    expect(search.data.items.map((item) => item.name)).toEqual(['Đăng ký kết hôn']);
    expect((await fetchText(`${sim.urls.national}${PUBLIC_FORMALITY_PATH}`, { method: 'POST', body: '{not json' })).status).toBe(400);
  });

  it('serves the quantricong and provincial login pages', async () => {
    const { sim } = await start();
    const quantricong = await fetchText(`${sim.urls.quantricong}/`);
    expect(quantricong.status).toBe(200);
    expect(quantricong.text).toContain('Hệ thống điều phối giải quyết TTHC');
    expect(quantricong.text).toContain('Đăng nhập');
    const provincial = await fetchText(`${sim.urls.provincial}/`);
    expect(provincial.status).toBe(200);
    expect(provincial.text).toContain('tỉnh An Giang');
    expect(provincial.text).toContain(`${sim.urls.provincialSso}/auth/realms/digo/protocol/openid-connect/auth`);
  });

  it('serves the Keycloak discovery document with the issuer under its own origin', async () => {
    const { sim } = await start();
    const { status, json } = await fetchJson<{ issuer: string; jwks_uri: string }>(`${sim.urls.provincialSso}${OIDC_DISCOVERY_PATH}`);
    expect(status).toBe(200);
    expect(json.issuer).toBe(`${sim.urls.provincialSso}/auth/realms/digo`);
    expect(json.jwks_uri).toMatch(/\/protocol\/openid-connect\/certs$/);
  });

  it('serves the provincial sync status behind a Bearer token, with ISO +07:00 times and numeric statuses', async () => {
    const { sim } = await start();
    expect((await fetchText(`${sim.urls.syncProvincial}${SYNC_STATUS_PATH}`)).status).toBe(401);
    const { status, json } = await fetchJson<{
      data: { lastUpdated: string; pending: number; oldestUnsyncedAt: string | null; dossiers: { code: string; status: number }[] };
    }>(`${sim.urls.syncProvincial}${SYNC_STATUS_PATH}`, { headers: BEARER });
    expect(status).toBe(200);
    expect(json.data.lastUpdated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
    expect(Math.abs(Date.parse(json.data.lastUpdated) - Date.now())).toBeLessThan(60_000);
    expect(json.data.pending).toBeGreaterThanOrEqual(0);
    expect(json.data.dossiers.length).toBeGreaterThan(1);
    for (const dossier of json.data.dossiers) {
      expect(dossier.code).toMatch(/^G22\.99-\d{6}-\d{4}$/);
      expect(dossier.status).toBeGreaterThanOrEqual(1);
      expect(dossier.status).toBeLessThanOrEqual(10);
    }
    const one = await fetchJson<{ data: { code: string } }>(`${sim.urls.syncProvincial}/api/dossiers/${json.data.dossiers[1]!.code}`, { headers: BEARER });
    expect(one.json.data.code).toBe(json.data.dossiers[1]!.code);
    expect((await fetchText(`${sim.urls.syncProvincial}/api/dossiers/G22.99-000101-0002`, { headers: BEARER })).status).toBe(404);
  });

  it('serves the national sync status with epoch-ms watermark and English status names', async () => {
    const { sim } = await start();
    const { status, json } = await fetchJson<{ lastSyncedAt: number; dossiers: { code: string; status: string }[] }>(
      `${sim.urls.syncNational}${SYNC_STATUS_PATH}`,
    );
    expect(status).toBe(200);
    expect(Number.isInteger(json.lastSyncedAt)).toBe(true);
    expect(Math.abs(json.lastSyncedAt - Date.now())).toBeLessThan(60_000);
    for (const dossier of json.dossiers) expect(NATIONAL_STATUS_NAMES).toContain(dossier.status);
    const filtered = await fetchJson<{ dossiers: { code: string }[] }>(`${sim.urls.syncNational}${SYNC_STATUS_PATH}?code=${json.dossiers[0]!.code}`);
    expect(filtered.json.dossiers.map((dossier) => dossier.code)).toEqual([json.dossiers[0]!.code]);
  });

  it('serves HTTPS with a certificate for 127.0.0.1 signed by the CA it wrote to caFile', async () => {
    const { sim, certDir } = await start();
    expect(sim.caFile).toBe(`${certDir}/ca.pem`);
    const ca = await readFile(sim.caFile, 'utf8');
    const { certificate, authorized } = await peerCertificate(sim.urls.https, ca);
    expect(authorized).toBe(true);
    expect(daysUntil(certificate.valid_to)).toBeGreaterThan(80);
  });

  it('answers DNS for the simulated names and NXDOMAIN for others', async () => {
    const { sim } = await start();
    const resolver = resolverFor(sim.dns.address);
    expect(await resolver.resolve4('dichvucong.sim')).toEqual(['127.0.0.1']);
    expect(await resolver.resolve4('motcua.angiang.sim')).toEqual(['127.0.0.1']);
    await expect(resolver.resolve4('khong-co.sim')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('startSimulator: scenarios change what a client sees', () => {
  it('portal-down answers 503, then refuses connections, then listens again on the same port', async () => {
    const clock = createFakeClock();
    const { sim } = await start({ now: clock.now, portalUnavailableSeconds: 30 });
    sim.setScenario('portal-down', true);
    await sim.settle();
    const unavailable = await fetchText(`${sim.urls.national}/`);
    expect(unavailable.status).toBe(503);
    expect(unavailable.text).not.toContain('Dịch vụ công quốc gia');

    clock.advanceSeconds(31);
    await sim.settle();
    await expect(fetchText(`${sim.urls.national}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // Other systems are unaffected.
    expect((await fetchText(`${sim.urls.quantricong}/`)).status).toBe(200);

    sim.setScenario('portal-down', false);
    await sim.settle();
    const back = await fetchText(`${sim.urls.national}/`);
    expect(back.status).toBe(200);
    expect(back.text).toContain('Dịch vụ công');
  });

  it('slow-quantricong delays quantricong answers by the configured latency', async () => {
    const { sim } = await start({ slowLatencyMs: { min: 600, max: 700 } });
    sim.setScenario('slow-quantricong', true);
    const startedMs = performance.now();
    const page = await fetchText(`${sim.urls.quantricong}/`);
    expect(page.status).toBe(200);
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(590);
    sim.setScenario('slow-quantricong', false);
    expect((await fetchText(`${sim.urls.quantricong}/`)).status).toBe(200);
  });

  it('sync-stalled freezes the national watermark while the provincial one advances and the backlog grows', async () => {
    const clock = createFakeClock('2026-05-30T09:00:00+07:00');
    const { sim } = await start({ now: clock.now });
    type Provincial = { data: { lastUpdated: string; pending: number; oldestUnsyncedAt: string | null } };
    type National = { lastSyncedAt: number };
    const read = async () => ({
      provincial: (await fetchJson<Provincial>(`${sim.urls.syncProvincial}${SYNC_STATUS_PATH}`, { headers: BEARER })).json.data,
      national: (await fetchJson<National>(`${sim.urls.syncNational}${SYNC_STATUS_PATH}`)).json,
    });
    clock.advanceSeconds(5);
    sim.setScenario('sync-stalled', true);
    const before = await read();
    clock.advanceSeconds(60);
    const during = await read();
    clock.advanceSeconds(60);
    const later = await read();

    expect(during.national.lastSyncedAt).toBe(before.national.lastSyncedAt);
    expect(later.national.lastSyncedAt).toBe(before.national.lastSyncedAt);
    expect(Date.parse(later.provincial.lastUpdated)).toBeGreaterThan(Date.parse(during.provincial.lastUpdated));
    expect(Date.parse(during.provincial.lastUpdated)).toBeGreaterThan(before.national.lastSyncedAt);
    expect(during.provincial.pending).toBeGreaterThan(0);
    expect(later.provincial.pending).toBeGreaterThan(during.provincial.pending);
    expect(later.provincial.oldestUnsyncedAt).not.toBeNull();

    sim.setScenario('sync-stalled', false);
    clock.advanceSeconds(90);
    const recovered = await read();
    expect(Date.parse(recovered.provincial.lastUpdated) - recovered.national.lastSyncedAt).toBeLessThan(30_000);
  });

  it('cert-expiring presents a certificate whose notAfter is within days, and healthy one afterwards', async () => {
    const { sim } = await start();
    const ca = await readFile(sim.caFile, 'utf8');
    sim.setScenario('cert-expiring', true);
    const expiring = await peerCertificate(sim.urls.https, ca);
    expect(expiring.authorized).toBe(true);
    expect(daysUntil(expiring.certificate.valid_to)).toBeGreaterThan(4);
    expect(daysUntil(expiring.certificate.valid_to)).toBeLessThanOrEqual(5);
    sim.setScenario('cert-expiring', false);
    expect(daysUntil((await peerCertificate(sim.urls.https, ca)).certificate.valid_to)).toBeGreaterThan(80);
  });

  it('dns-changed answers another (loopback) address for dichvucong.sim only', async () => {
    const { sim } = await start();
    const resolver = resolverFor(sim.dns.address);
    sim.setScenario('dns-changed', true);
    expect(await resolver.resolve4('dichvucong.sim')).toEqual([DNS_CHANGED_ADDRESS]);
    expect(await resolver.resolve4('quantricong.dichvucong.sim')).toEqual(['127.0.0.1']);
    sim.setScenario('dns-changed', false);
    expect(await resolver.resolve4('dichvucong.sim')).toEqual(['127.0.0.1']);
  });

  it('blocked makes the national portal firewall answer "Request Rejected" (200 for pages, 403 for the API)', async () => {
    const { sim } = await start();
    sim.setScenario('blocked', true);
    const page = await fetchText(`${sim.urls.national}/`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Request Rejected');
    expect(page.text).not.toContain('Dịch vụ công');
    const api = await postFormalities(sim.urls.national);
    expect(api.status).toBe(403);
    expect(api.text).toContain('Request Rejected');
    expect((await fetchText(`${sim.urls.quantricong}/`)).status).toBe(200);
    sim.setScenario('blocked', false);
    expect((await postFormalities(sim.urls.national)).status).toBe(201);
  });

  it('keeps several scenarios on at once', async () => {
    const { sim } = await start();
    sim.setScenario('blocked', true);
    sim.setScenario('dns-changed', true);
    expect(sim.activeScenarios()).toEqual(['dns-changed', 'blocked']);
    expect((await fetchText(`${sim.urls.national}/`)).text).toContain('Request Rejected');
    expect(await resolverFor(sim.dns.address).resolve4('dichvucong.sim')).toEqual([DNS_CHANGED_ADDRESS]);
    expect(() => sim.setScenario('meteor-strike', true)).toThrow(/unknown scenario "meteor-strike"/);
  });
});

describe('startSimulator: control endpoint', () => {
  it('lists, switches on and off, and resets scenarios', async () => {
    const { sim } = await start();
    const listed = await fetchJson<{ active: string[]; available: { name: string }[] }>(`${sim.urls.control}/scenarios`);
    expect(listed.json.active).toEqual([]);
    expect(listed.json.available.map((scenario) => scenario.name)).toEqual([
      'healthy',
      'portal-down',
      'slow-quantricong',
      'sync-stalled',
      'cert-expiring',
      'dns-changed',
      'blocked',
    ]);

    const on = await fetchJson<{ active: string[] }>(`${sim.urls.control}/scenarios/blocked`, { method: 'POST' });
    expect(on.json.active).toEqual(['blocked']);
    expect((await fetchText(`${sim.urls.national}/`)).text).toContain('Request Rejected');
    await fetchText(`${sim.urls.control}/scenarios/sync-stalled`, { method: 'POST' });

    const off = await fetchJson<{ active: string[] }>(`${sim.urls.control}/scenarios/blocked`, { method: 'DELETE' });
    expect(off.json.active).toEqual(['sync-stalled']);
    expect((await fetchText(`${sim.urls.national}/`)).text).toContain('Dịch vụ công');

    const reset = await fetchJson<{ active: string[] }>(`${sim.urls.control}/reset`, { method: 'POST' });
    expect(reset.json.active).toEqual([]);

    expect((await fetchText(`${sim.urls.control}/scenarios/meteor-strike`, { method: 'POST' })).status).toBe(404);
    expect((await fetchText(`${sim.urls.control}/scenarios/healthy`, { method: 'DELETE' })).status).toBe(409);
  });

  it('has closed or reopened the portal listener by the time it answers', async () => {
    // With no 503 phase, portal-down refuses at once: no settle() between switch and probe.
    const { sim } = await start({ portalUnavailableSeconds: 0 });
    const down = await fetchJson<{ portal: string }>(`${sim.urls.control}/scenarios/portal-down`, { method: 'POST' });
    expect(down.json.portal).toBe('refused');
    await expect(fetchText(`${sim.urls.national}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await fetchText(`${sim.urls.control}/scenarios/healthy`, { method: 'POST' });
    expect((await fetchText(`${sim.urls.national}/`)).status).toBe(200);
  });

  it('starts and stops a timeline, and rejects a bad one', async () => {
    const { sim } = await start();
    const started = await fetchJson<{ timeline: { name: string; step: number } | null; active: string[] }>(`${sim.urls.control}/timeline`, {
      method: 'PUT',
      body: JSON.stringify({ timeline: 'blocked:1h,healthy:1h' }),
    });
    expect(started.json.timeline).toMatchObject({ name: 'blocked:1h,healthy:1h', step: 0 });
    expect(started.json.active).toEqual(['blocked']);
    const bad = await fetchJson<{ error: string }>(`${sim.urls.control}/timeline`, { method: 'PUT', body: 'meteor:1m' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/unknown scenario meteor/);
    const stopped = await fetchJson<{ timeline: unknown; active: string[] }>(`${sim.urls.control}/timeline`, { method: 'DELETE' });
    expect(stopped.json.timeline).toBeNull();
    expect(stopped.json.active).toEqual(['blocked']);
  });
});

describe('startSimulator: timeline', () => {
  it('advances through the steps with the clock and loops', async () => {
    const clock = createFakeClock();
    const { sim } = await start({ now: clock.now, timeline: 'healthy:10s,blocked:10s,portal-down+sync-stalled:10s' });
    expect(sim.activeScenarios()).toEqual([]);
    clock.advanceSeconds(10);
    await sim.settle();
    expect(sim.activeScenarios()).toEqual(['blocked']);
    expect((await fetchText(`${sim.urls.national}/`)).text).toContain('Request Rejected');
    clock.advanceSeconds(10);
    await sim.settle();
    expect(sim.activeScenarios()).toEqual(['portal-down', 'sync-stalled']);
    expect((await fetchText(`${sim.urls.national}/`)).status).toBe(503);
    clock.advanceSeconds(10);
    await sim.settle();
    expect(sim.activeScenarios()).toEqual([]);
    expect((await fetchText(`${sim.urls.national}/`)).status).toBe(200);
  });

  it('is driven by its own ticker without anyone calling settle', async () => {
    const clock = createFakeClock();
    const { sim } = await start({ now: clock.now, timeline: 'healthy:1m,dns-changed:1m', tickMs: 20 });
    clock.advanceSeconds(61);
    await vi.waitFor(() => expect(sim.activeScenarios()).toEqual(['dns-changed']), { timeout: 5000, interval: 20 });
    expect(await resolverFor(sim.dns.address).resolve4('dichvucong.sim')).toEqual([DNS_CHANGED_ADDRESS]);
  });

  it('refuses an unknown timeline before opening any port', async () => {
    await expect(startSimulator({ basePort: 0, timeline: 'sometimes' })).rejects.toThrow(/timeline step "sometimes"/);
  });

  it('refuses a base port without room for all nine ports', async () => {
    await expect(startSimulator({ basePort: 65530 })).rejects.toThrow(/basePort 65530/);
  });
});
