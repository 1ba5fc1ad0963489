// The daemon wires the access layer, the login routes and server.tls from its config.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/access/secret-hash.ts';
import { startDaemon } from '../../src/daemon.ts';
import { createLogger } from '../../src/log.ts';
import type { Actor } from '../../src/state/desk-records.ts';
import { createLeafCertificate } from '../support/certificates.ts';

const dir = mkdtempSync(join(tmpdir(), 'dvc-access-daemon-'));
let target: Server;

beforeAll(async () => {
  target = createServer((_request, response) => response.end('ok'));
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
});

afterAll(async () => {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('the daemon behind its access layer', () => {
  it('serves HTTPS from server.tls, hides the page from anonymous requests, not /metrics, and signs an operator in', async () => {
    const certificate = await createLeafCertificate({ names: ['127.0.0.1'] });
    writeFileSync(join(dir, 'desk.crt'), certificate.certPem);
    writeFileSync(join(dir, 'desk.key'), certificate.keyPem);
    const passwordHash = await hashSecret('trực-ban-đêm', 16384);
    const configFile = join(dir, 'monitor.yaml');
    writeFileSync(
      configFile,
      [
        'server: { listen: "127.0.0.1:0", tls: { certFile: desk.crt, keyFile: desk.key } }',
        `storage: { path: "${join(dir, 'sentinel.db')}" }`,
        'access:',
        '  anonymous: none',
        `  users: [{ name: lan, role: operator, passwordHash: "${passwordHash}" }]`,
        'checks:',
        `  - { name: home, system: national-portal, kind: http, url: "http://127.0.0.1:${(target.address() as { port: number }).port}/" }`,
        '',
      ].join('\n'),
    );
    const audits: [string, Actor][] = [];
    const daemon = await startDaemon({ configFile, log: createLogger({ level: 'silent' }), onAudit: (action, actor) => audits.push([action, actor]) });
    const dispatcher = new Agent({ connect: { ca: certificate.certPem } });
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${daemon.url}${path}`, { dispatcher, redirect: 'manual', headers });
    try {
      expect(daemon.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect((await get('/metrics')).status).toBe(200);
      expect([200, 503]).toContain((await get('/healthz')).status);
      const page = await get('/', { accept: 'text/html' });
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/login');
      expect((await get('/api/status')).status).toBe(401);

      const login = await fetch(`${daemon.url}/login`, {
        dispatcher,
        redirect: 'manual',
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ name: 'lan', password: 'trực-ban-đêm' }).toString(),
      });
      expect(login.status).toBe(303);
      const setCookie = login.headers.get('set-cookie') ?? '';
      expect(setCookie.split('; ')).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Secure']));
      const signedIn = await get('/', { accept: 'text/html', cookie: setCookie.split(';')[0]! });
      expect(signedIn.status).toBe(200);
      expect(await signedIn.text()).toContain('<html');
      expect(audits).toEqual([['login', { user: 'lan', address: '127.0.0.1' }]]);
    } finally {
      await dispatcher.close();
      await daemon.stop();
    }
  }, 20_000);
});
