// The status page's "who is on duty" line: the shift at the page's moment (the daemon's clock, in
// Vietnam time), its people and the focal points to call, escaped; nothing without a roster.
import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveRoster, type Roster } from '../../src/config/roster-config.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { createRoutes } from '../../src/server/routes.ts';
import { startHttpServer, type HttpServer } from '../../src/server/server.ts';
import type { StatusPageSnapshot } from '../../src/server/status-page.ts';

const ROSTER = resolveRoster({
  organisations: [{ name: 'Công an tỉnh PC06 <An Giang>', focalPoints: [{ name: 'Trực ban PC06', phone: '+84296111222' }] }, { name: 'MobiFone' }],
  shifts: [
    { name: 'Ca ngày', from: '07:30', to: '17:00', people: [{ name: 'Nguyễn Văn An', organisation: 'MobiFone', phone: '+84912000001' }] },
    { name: 'Ca đêm', from: '17:00', to: '07:30', people: [{ name: 'Trần Văn Cường' }] },
  ],
});

const SNAPSHOT: StatusPageSnapshot = {
  version: '0.1.0',
  startedAt: '2026-06-01T01:00:00.000Z',
  generatedAt: '2026-06-01T15:00:00.000Z',
  summary: { ok: 0, warning: 0, critical: 0, unknown: 0 },
  checks: [],
  incidents: [],
};

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function pageAt(iso: string, roster: Roster | undefined): Promise<string> {
  const routes = createRoutes({
    metrics: createMetrics({ version: '9.9.9', collectProcessMetrics: false }),
    health: () => ({ ok: true, reasons: [] }),
    status: () => SNAPSHOT,
    clock: () => new Date(iso),
    roster: () => roster,
  });
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes, log: pino({ level: 'silent' }) });
  servers.push(server);
  return (await request(`${server.url}/`)).body.text();
}

describe('status page duty line', () => {
  it('names the shift on duty now, in Vietnam time, and the focal points, escaped', async () => {
    // 02:30 UTC is 09:30 in Vietnam: the day shift.
    const day = await pageAt('2026-06-01T02:30:00Z', ROSTER);
    expect(day).toContain('<p class="duty" id="duty">Đang trực: <strong>Ca ngày: Nguyễn Văn An (MobiFone) · +84912000001</strong>');
    expect(day).toContain('Đầu mối liên hệ: Công an tỉnh PC06 &lt;An Giang&gt;: Trực ban PC06 · +84296111222');
    // 11:00 UTC is 18:00 in Vietnam: the night shift.
    expect(await pageAt('2026-06-01T11:00:00Z', ROSTER)).toContain('Ca đêm: Trần Văn Cường');
  });

  it('shows no duty line without a roster', async () => {
    expect(await pageAt('2026-06-01T02:30:00Z', undefined)).not.toContain('class="duty"');
  });
});
