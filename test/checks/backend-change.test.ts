// Which server answers, as a story on real HTTPS servers: one name, two "data centres" (127.0.0.1
// and 127.0.0.2 on the same port, each with its own certificate and x-served-by header), the name
// switched between them as a cut-over does. Every change is told exactly once, none while nothing
// changes, none after a restart that finds the same server; expect.backend turns a wrong server
// into a failure with reason backend.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIncidentBook, type IncidentBook } from '../../src/checks/incident-book.ts';
import { runCheck } from '../../src/checks/run-check.ts';
import { judgeBackend } from '../../src/probes/backend.ts';
import { backendChangeNotification } from '../../src/state/backend-change.ts';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { renderEmail } from '../../src/alerting/messages/render-email.ts';
import type { Lookup } from '../../src/probes/probe.ts';
import type { Notification } from '../../src/state/notification.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { makeAlerting } from '../support/alerting-fixtures.ts';
import { createLeafCertificate, type IssuedCertificate } from '../support/certificates.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';
import { createTestClocks } from '../support/test-clocks.ts';
import { createSimCertificates } from '../../src/sim/certificates.ts';
import { DNS_CHANGED_ADDRESS } from '../../src/sim/dns.ts';
import { startTestSimulator } from '../sim/sim-fixture.ts';

interface DataCentre {
  readonly server: https.Server;
  readonly address: string;
}

let certificates: [IssuedCertificate, IssuedCertificate, IssuedCertificate];
beforeAll(async () => {
  certificates = await Promise.all([
    createLeafCertificate({ names: ['portal.test'], commonName: 'portal.test dc-a' }),
    createLeafCertificate({ names: ['portal.test'], commonName: 'portal.test dc-b' }),
    createLeafCertificate({ names: ['portal.test'], commonName: 'portal.test renewed' }),
  ]);
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function fingerprintOf(certificate: IssuedCertificate): string {
  return new X509Certificate(certificate.certPem).fingerprint256;
}

async function startDataCentre(address: string, port: number, certificate: IssuedCertificate, servedBy: string): Promise<DataCentre> {
  const server = https.createServer({ cert: certificate.certPem, key: certificate.keyPem }, (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'x-served-by': servedBy });
    response.end('{"status":"UP"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { server, address };
}

/** Two data centres on one port; `point` moves the name portal.test between them. */
async function startTwoDataCentres() {
  const a = await startDataCentre('127.0.0.1', 0, certificates[0], 'dc-a');
  const port = (a.server.address() as AddressInfo).port;
  const b = await startDataCentre('127.0.0.2', port, certificates[1], 'dc-b');
  let current = a.address;
  const lookup: Lookup = async (host) => {
    if (host !== 'portal.test') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address: current, family: 4 }];
  };
  return { a, b, port, lookup, point: (centre: DataCentre) => (current = centre.address) };
}

function portalCheck(port: number, extra: Record<string, unknown> = {}): Check {
  const input = ConfigInput.parse({
    checks: [
      {
        name: 'portal-home',
        system: 'provincial',
        kind: 'http',
        url: `https://portal.test:${port}/`,
        failureThreshold: 1,
        successThreshold: 1,
        tls: { verify: false },
        backend: { headers: ['X-Served-By'] },
        ...extra,
      },
    ],
  });
  return resolveConfig('backend.yaml', input, () => '').checks[0] as Check;
}

/** A daemon's pieces on one store: the incident book, run-check, metrics; `restart` reopens them. */
function startMonitor(check: Check, lookup: Lookup | undefined) {
  const dir: TempDatabaseDir = createTempDatabaseDir();
  const captured = createCapturedLog();
  // Real time: the certificates are dated from now.
  const clocks = createTestClocks(new Date());
  const metrics = createMetrics({ version: '9.9.9', collectProcessMetrics: false });
  metrics.setChecks([check]);
  const alerting = makeAlerting({ groupWaitSeconds: 0 });
  let store: Store;
  let book: IncidentBook;
  const open = () => {
    store = openStore(dir.path(), { log: captured.log });
    book = createIncidentBook({ store, alerting, checks: [check], log: captured.log });
  };
  open();
  cleanups.push(() => {
    store.close();
    dir.remove();
  });
  return {
    metrics,
    captured,
    async probe() {
      clocks.advance(10_000);
      return runCheck(check, {
        clock: clocks.clock,
        monotonic: clocks.monotonic,
        log: captured.log,
        metrics,
        ...(lookup === undefined ? {} : { lookup }),
        states: book.states,
        decide: book.decide,
        record: book.record,
      });
    },
    /** Every backend_changed notification queued so far, from the store (what the outbox will send). */
    notices(): Notification[] {
      return store.outbox
        .pending('email')
        .map((row) => row.notification)
        .filter((notification) => notification.type === 'backend_changed');
    },
    restart() {
      store.close();
      open();
    },
  };
}

function changeLogs(captured: ReturnType<typeof createCapturedLog>): unknown[] {
  return captured.lines().filter((line) => (line as { msg?: string }).msg === 'answering server changed');
}

describe('which backend answers', () => {
  it('tells each change of address or certificate once, never while unchanged, never again after a restart', async () => {
    const { a, b, port, lookup, point } = await startTwoDataCentres();
    const check = portalCheck(port);
    const monitor = startMonitor(check, lookup);

    // The first server ever seen is recorded without a notice.
    for (let run = 0; run < 3; run += 1) expect(await monitor.probe()).toMatchObject({ status: 'ok', backend: { address: '127.0.0.1' } });
    expect(monitor.notices()).toHaveLength(0);

    // Cut-over to the second data centre: the check stays green, and the change is told once.
    point(b);
    const moved = await monitor.probe();
    expect(moved).toMatchObject({
      status: 'ok',
      backend: { address: '127.0.0.2', fingerprint: fingerprintOf(certificates[1]), headers: { 'x-served-by': 'dc-b' } },
    });
    for (let run = 0; run < 3; run += 1) await monitor.probe();
    const [notice, ...others] = monitor.notices();
    expect(others).toHaveLength(0);
    expect(notice?.backend).toMatchObject({
      check: 'portal-home',
      system: 'provincial',
      from: { address: '127.0.0.1', fingerprint: fingerprintOf(certificates[0]), headers: { 'x-served-by': 'dc-a' } },
      to: { address: '127.0.0.2', fingerprint: fingerprintOf(certificates[1]), headers: { 'x-served-by': 'dc-b' } },
    });
    expect(notice?.to).toEqual(['trucban@angiang.gov.vn']);
    expect(changeLogs(monitor.captured)).toHaveLength(1);

    // A restart that finds the same server says nothing.
    monitor.restart();
    for (let run = 0; run < 2; run += 1) await monitor.probe();
    expect(monitor.notices()).toHaveLength(1);

    // The certificate is swapped on the same address while the monitor is down: the server kept in
    // the store is what the first probe after the restart compares with, so a second notice.
    monitor.restart();
    b.server.setSecureContext({ cert: certificates[2].certPem, key: certificates[2].keyPem });
    await monitor.probe();
    await monitor.probe();
    const notices = monitor.notices();
    expect(notices).toHaveLength(2);
    expect(notices[1]?.backend?.from).toMatchObject({ address: '127.0.0.2', fingerprint: fingerprintOf(certificates[1]) });
    expect(notices[1]?.backend?.to).toMatchObject({ address: '127.0.0.2', fingerprint: fingerprintOf(certificates[2]) });

    // Rollback: back to the first data centre, a third notice; Grafana's series follows.
    point(a);
    await monitor.probe();
    expect(monitor.notices()).toHaveLength(3);
    const scraped = (await monitor.metrics.render()).body.split('\n').filter((line) => line.startsWith('dvc_backend_info{'));
    expect(scraped).toEqual([`dvc_backend_info{check="portal-home",address="127.0.0.1",fingerprint="${fingerprintOf(certificates[0])}"} 1`]);
    expect(changeLogs(monitor.captured)).toHaveLength(3);
  });

  it('keeps the last server through probes that reach none, so an outage in between is not a change', async () => {
    const { b, port, lookup, point } = await startTwoDataCentres();
    const check = portalCheck(port);
    const monitor = startMonitor(check, lookup);
    await monitor.probe();
    // Nothing listens on 127.0.0.3: connect fails, no server is seen.
    point({ server: b.server, address: '127.0.0.3' });
    expect(await monitor.probe()).toMatchObject({ status: 'critical', reason: 'connect' });
    point({ server: b.server, address: '127.0.0.1' });
    expect(await monitor.probe()).toMatchObject({ status: 'ok' });
    expect(monitor.notices()).toHaveLength(0);
  });

  it('records but does not notify when backend.notify is false (round-robin names)', async () => {
    const { b, port, lookup, point } = await startTwoDataCentres();
    const monitor = startMonitor(portalCheck(port, { backend: { notify: false } }), lookup);
    await monitor.probe();
    point(b);
    await monitor.probe();
    expect(monitor.notices()).toHaveLength(0);
    expect(changeLogs(monitor.captured)).toHaveLength(1);
  });

  it('fails with reason backend when a server the check does not allow answers', async () => {
    const { b, port, lookup, point } = await startTwoDataCentres();
    const check = portalCheck(port, {
      expect: {
        backend: {
          addresses: ['127.0.0.1'],
          fingerprints: [fingerprintOf(certificates[0]).replace(/:/g, '').toLowerCase()],
          headers: { 'X-Served-By': 'dc-a' },
        },
      },
    });
    const monitor = startMonitor(check, lookup);
    expect(await monitor.probe()).toMatchObject({ status: 'ok' });
    point(b);
    const wrong = await monitor.probe();
    expect(wrong).toMatchObject({
      status: 'critical',
      reason: 'backend',
      detail: { code: 'backend_unexpected', params: { what: 'address', value: '127.0.0.2', expected: '127.0.0.1' } },
    });
    expect(wrong.message).toBe(`unexpected server answering portal.test:${port}: address is 127.0.0.2, expected 127.0.0.1`);

    // Same address, another certificate: the fingerprint is what fails now.
    b.server.setSecureContext({ cert: certificates[0].certPem, key: certificates[0].keyPem });
    const onlyHeader = portalCheck(port, { expect: { backend: { headers: { 'x-served-by': 'dc-a' } } } });
    const headerMonitor = startMonitor(onlyHeader, lookup);
    expect(await headerMonitor.probe()).toMatchObject({
      status: 'critical',
      reason: 'backend',
      detail: { params: { what: 'header', name: 'x-served-by', value: 'dc-b' } },
    });
  });

  it('words the notice in Vietnamese: the check, the server before and the server now', async () => {
    const { b, port, lookup, point } = await startTwoDataCentres();
    const monitor = startMonitor(portalCheck(port), lookup);
    await monitor.probe();
    point(b);
    await monitor.probe();
    const mail = renderEmail(monitor.notices(), { locale: 'vi', links: {}, now: new Date('2026-05-29T16:00:00Z') });
    expect(mail.subject).toBe('[ĐỔI MÁY CHỦ] Hệ thống TTHC tỉnh — portal-home máy chủ trả lời đã thay đổi');
    expect(mail.text).toContain('Trước');
    expect(mail.text).toContain(`địa chỉ 127.0.0.1 · chứng chỉ SHA-256 ${fingerprintOf(certificates[0])}`);
    expect(mail.text).toContain('x-served-by: dc-a');
    expect(mail.text).toContain('Bây giờ');
    expect(mail.text).toContain(`địa chỉ 127.0.0.2 · chứng chỉ SHA-256 ${fingerprintOf(certificates[1])}`);
    expect(mail.text).toContain('x-served-by: dc-b');
  });

  it('on the simulator: its certificate switch (cert-expiring) and its address switch (dns-changed) are each told once', async () => {
    const { sim, certDir, close } = await startTestSimulator();
    cleanups.push(close);
    const port = Number(new URL(sim.urls.https).port);
    // The standby data centre the name moves to under dns-changed: same port, a certificate of its own from the same CA.
    const standby = await createSimCertificates(certDir);
    await startDataCentre(
      DNS_CHANGED_ADDRESS,
      port,
      { certPem: standby.healthy.cert, keyPem: standby.healthy.key, notBefore: new Date(), notAfter: new Date() },
      'dc-b',
    );
    const input = ConfigInput.parse({
      checks: [
        { name: 'national-tls', system: 'national-portal', kind: 'tls', host: 'dichvucong.sim', port, resolver: sim.dns.address, tls: { caFile: sim.caFile } },
      ],
    });
    const check = resolveConfig('sim.yaml', input, (file) => readFileSync(file, 'utf8')).checks[0] as Check;
    const monitor = startMonitor(check, undefined);

    for (let run = 0; run < 2; run += 1) expect(await monitor.probe()).toMatchObject({ status: 'ok', backend: { address: '127.0.0.1' } });
    expect(monitor.notices()).toHaveLength(0);

    sim.setScenario('cert-expiring', true);
    await sim.settle();
    await monitor.probe();
    await monitor.probe();
    expect(monitor.notices()).toHaveLength(1);
    const renewed = monitor.notices()[0]?.backend;
    expect(renewed?.from.address).toBe('127.0.0.1');
    expect(renewed?.to.address).toBe('127.0.0.1');
    expect(renewed?.from.fingerprint).not.toBe(renewed?.to.fingerprint);
    expect(renewed?.to.issuer).toContain('CN=dvc-sentinel simulator CA');

    sim.setScenario('dns-changed', true);
    await sim.settle();
    expect(await monitor.probe()).toMatchObject({ status: 'ok', backend: { address: DNS_CHANGED_ADDRESS } });
    await monitor.probe();
    const notices = monitor.notices();
    expect(notices).toHaveLength(2);
    expect(notices[1]?.backend).toMatchObject({ from: { address: '127.0.0.1' }, to: { address: DNS_CHANGED_ADDRESS } });
  });
});

describe('kind: tls', () => {
  it('records the server and fails with reason backend when its certificate is not one the check allows', async () => {
    const centre = await startDataCentre('127.0.0.1', 0, certificates[0], 'dc-a');
    const port = (centre.server.address() as AddressInfo).port;
    const tlsCheck = (fingerprint: string) =>
      resolveConfig(
        'tls.yaml',
        ConfigInput.parse({
          checks: [
            {
              name: 'portal-tls',
              system: 'provincial',
              kind: 'tls',
              host: '127.0.0.1',
              port,
              tls: { verify: false },
              expect: { backend: { fingerprints: [fingerprint] } },
            },
          ],
        }),
        () => '',
      ).checks[0] as Check;
    const allowed = startMonitor(tlsCheck(fingerprintOf(certificates[0])), undefined);
    expect(await allowed.probe()).toMatchObject({ status: 'ok', backend: { address: '127.0.0.1', fingerprint: fingerprintOf(certificates[0]) } });
    const other = startMonitor(tlsCheck(fingerprintOf(certificates[1])), undefined);
    expect(await other.probe()).toMatchObject({
      status: 'critical',
      reason: 'backend',
      detail: { code: 'backend_unexpected', params: { what: 'fingerprint' } },
    });
  });
});

describe('judgeBackend', () => {
  const server = {
    address: '203.162.10.20',
    fingerprint: 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89',
    issuer: 'C=BE, O=GlobalSign nv-sa, CN=GlobalSign GCC R3 DV TLS CA 2020',
    serial: '0A1B',
    headers: { 'x-served-by': 'dc-hanoi' },
  };
  const policy = (expect: Record<string, unknown>) => ({ expect, headers: ['x-served-by'], notify: true });
  const cases: readonly (readonly [string, Record<string, unknown>, string | undefined])[] = [
    ['any server without expect.backend', {}, undefined],
    ['an allowed address', { addresses: ['203.162.10.21', '203.162.10.20'] }, undefined],
    ['an address not listed', { addresses: ['203.162.10.21'] }, 'address is 203.162.10.20, expected 203.162.10.21'],
    ['a listed fingerprint', { fingerprints: [server.fingerprint] }, undefined],
    ['another fingerprint', { fingerprints: ['00:11'] }, `fingerprint is ${server.fingerprint.slice(0, 79)}…`],
    ['an issuer containing the text, any case', { issuers: ['globalsign gcc'] }, undefined],
    [
      'another issuer',
      { issuers: ['Sectigo', 'DigiCert'] },
      'issuer is C=BE, O=GlobalSign nv-sa, CN=GlobalSign GCC R3 DV TLS CA 2020, expected Sectigo, DigiCert',
    ],
    ['a header with the value required', { headers: { 'x-served-by': 'dc-hanoi' } }, undefined],
    ['a header with another value', { headers: { 'x-served-by': 'dc-hcm' } }, 'header x-served-by is dc-hanoi, expected dc-hcm'],
    ['a header the server did not send', { headers: { 'x-node': 'a' } }, 'header x-node is absent, expected a'],
  ];
  it.each(cases)('%s', (_name, expect_, fragment) => {
    const verdict = judgeBackend(policy(expect_), server, 'dichvucong.gov.vn');
    if (fragment === undefined) expect(verdict).toBeUndefined();
    else expect(verdict?.message).toContain(fragment);
  });

  it('fails a plain-http server against a fingerprint or issuer list: it has no certificate', () => {
    const plain = { address: '127.0.0.1' };
    expect(judgeBackend(policy({ fingerprints: [server.fingerprint] }), plain, 'h')?.detail).toMatchObject({ params: { what: 'fingerprint', value: 'none' } });
    expect(judgeBackend(policy({ issuers: ['GlobalSign'] }), plain, 'h')?.detail).toMatchObject({ params: { what: 'issuer', value: 'none' } });
  });
});

describe('backendChangeNotification', () => {
  const check = { name: 'portal-home', system: 'provincial' };
  const alerting = makeAlerting();
  const now = new Date('2026-05-29T16:00:00Z');
  const a = { address: '127.0.0.1', fingerprint: 'AA', headers: { 'x-served-by': 'dc-a' } };

  it('is silent for the first server seen, for the same server, and for a header only one side recorded (a reload)', () => {
    expect(backendChangeNotification(alerting, check, undefined, a, now)).toBeUndefined();
    expect(backendChangeNotification(alerting, check, a, { ...a, headers: { 'x-served-by': 'dc-a' } }, now)).toBeUndefined();
    expect(backendChangeNotification(alerting, check, { address: '127.0.0.1', fingerprint: 'AA' }, a, now)).toBeUndefined();
    expect(backendChangeNotification(alerting, check, a, { address: '127.0.0.1', fingerprint: 'AA' }, now)).toBeUndefined();
  });

  it('tells a header that changed or that the server stopped sending, and any change of address or certificate', () => {
    for (const next of [
      { ...a, headers: { 'x-served-by': 'dc-b' } },
      { ...a, headers: { 'x-served-by': '' } },
      { ...a, address: '127.0.0.2' },
      { ...a, fingerprint: 'BB' },
      { ...a, serial: '01' },
    ]) {
      expect(backendChangeNotification(alerting, check, a, next, now)).toMatchObject({
        type: 'backend_changed',
        to: ['trucban@angiang.gov.vn'],
        backend: { from: a, to: next },
      });
    }
    expect(backendChangeNotification(alerting, { ...check, backend: { notify: false } }, a, { ...a, address: '127.0.0.2' }, now)).toBeUndefined();
  });
});
