import { pino } from 'pino';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { buildReport } from '../../src/report/build-report.ts';
import { reportBuilder } from '../../src/report/report-request.ts';
import { createRoutes, type RouteDependencies } from '../../src/server/routes.ts';
import { startHttpServer, type HttpServer } from '../../src/server/server.ts';
import type { ReportSend } from '../../src/state/report-send.ts';
import { at, memorySource, minutesOf, outage, reportConfig } from '../report/report-fixtures.ts';

const NOW = at('2026-12-03T09:00:00Z');
const config = reportConfig({
  reports: [{ name: 'daily', schedule: '30 15 * * *', to: ['pc06@angiang.gov.vn'], unit: 'Sở Khoa học và Công nghệ tỉnh An Giang' }],
});
const source = memorySource(minutesOf({ check: 'dvcqg-home', from: '2026-12-01T17:00:00Z', to: '2026-12-02T17:00:00Z' }), [
  outage('dvcqg-home', '2026-12-02T03:00:00Z', '2026-12-02T03:15:00Z'),
]);
const DAY = { from: '2026-12-02T00:00:00+07:00', to: '2026-12-03T00:00:00+07:00' };

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(extra: Partial<RouteDependencies> = {}): Promise<HttpServer> {
  const build = reportBuilder(
    () => config,
    source,
    () => NOW,
  );
  const routes = createRoutes({
    metrics: createMetrics({ version: '9.9.9', collectProcessMetrics: false }),
    health: () => ({ ok: true, reasons: [] }),
    status: () => ({}),
    buildReportFor: build,
    ...extra,
  });
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes, log: pino({ level: 'silent' }) });
  servers.push(server);
  return server;
}

function query(parameters: Record<string, string>): string {
  return new URLSearchParams(parameters).toString();
}

describe('GET /api/report', () => {
  it('serves the same JSON as the report command for the window', async () => {
    const server = await serve();
    const response = await request(`${server.url}/api/report?${query(DAY)}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = (await response.body.json()) as {
      window: { from: string; to: string };
      checks: { name: string; downSeconds: number; availabilityPercent: number }[];
    };
    expect(body.window).toEqual({ from: '2026-12-01T17:00:00.000Z', to: '2026-12-02T17:00:00.000Z' });
    const home = body.checks.find((check) => check.name === 'dvcqg-home')!;
    expect(home.downSeconds).toBe(900);
    // 100 × 85,500 / 86,400, as the JSON rounds it.
    expect(home.availabilityPercent).toBe(98.9583);
    const direct = buildReport(
      config,
      source,
      { from: at(DAY.from), to: at(DAY.to) },
      { name: 'daily', unit: config.reports[0]!.unit, locale: 'vi', now: NOW },
    );
    expect(body.checks.map((check) => check.downSeconds)).toEqual(direct.checks.map((check) => check.downSeconds));
  });

  it('serves the per-check table as CSV', async () => {
    const server = await serve();
    const response = await request(`${server.url}/api/report?${query({ ...DAY, format: 'csv' })}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const text = await response.body.text();
    expect(text.split('\r\n').find((line) => line.includes('dvcqg-home'))).toContain('900');
  });

  it.each([
    [{ to: DAY.to }, 'from and to are required'],
    [{ from: '2026-12-02', to: DAY.to }, 'from=2026-12-02 is not an ISO-8601 time with an offset'],
    [{ from: DAY.from, to: 'tomorrow' }, 'to=tomorrow is not an ISO-8601 time with an offset'],
    [{ from: DAY.to, to: DAY.from }, 'to must be after from'],
    [{ from: '2026-11-01T00:00:00+07:00', to: '2026-12-02T00:00:01+07:00' }, 'at most 31 days'],
    [{ ...DAY, format: 'docx' }, 'format must be one of json, csv'],
    [{ ...DAY, name: 'weekly' }, 'no report named "weekly" in reports:; known: daily'],
  ])('answers 400 with what is wrong: %o', async (parameters, message) => {
    const server = await serve();
    const response = await request(`${server.url}/api/report?${query(parameters as Record<string, string>)}`);
    expect(response.statusCode).toBe(400);
    expect(((await response.body.json()) as { error: string }).error).toContain(message);
  });

  it('quotes a hostile parameter only inside JSON, never as HTML', async () => {
    const server = await serve();
    const response = await request(`${server.url}/report?${query({ from: '<script>alert(1)</script>', to: DAY.to })}`);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(await response.body.text())).toEqual({ error: expect.stringContaining('<script>alert(1)</script>') });
  });
});

describe('GET /report', () => {
  it('renders the report as HTML, with the unit of the named report', async () => {
    const server = await serve();
    const response = await request(`${server.url}/report?${query({ ...DAY, name: 'daily' })}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = await response.body.text();
    expect(html).toContain('Sở Khoa học và Công nghệ tỉnh An Giang');
    expect(html).toContain('dvcqg-home');
    expect(html).not.toMatch(/<script/i);
  });

  it('is not found where no report builder is given', async () => {
    const server = await serve({ buildReportFor: undefined });
    expect((await request(`${server.url}/report?${query(DAY)}`)).statusCode).toBe(404);
  });
});

describe('access.hideNames', () => {
  /** The day's report as the desk would have it: the outage taken by a person, and one incident a person reported. */
  const withPeople: RouteDependencies['buildReportFor'] = (window, name) => {
    const report = reportBuilder(
      () => config,
      source,
      () => NOW,
    )(window, name);
    if (typeof report === 'string') return report;
    const taken = report.incidents.map((incident) => ({
      ...incident,
      acknowledgedBy: 'lan.nguyen',
      acknowledgedAt: new Date(incident.startedAt.getTime() + 60_000),
      timeToAcknowledgeSeconds: 60,
    }));
    const people = { ...taken[0]!, id: 'people-1', check: '', people: { title: 'VNeID lỗi', description: '', reportedBy: 'Cán bộ xã Mỹ Hòa Hưng' } };
    return {
      ...report,
      incidents: [...taken, people],
      handling: [{ system: 'national-portal', incidents: 2, acknowledged: 2, medianAcknowledgeSeconds: 60, resolved: 2, medianResolveSeconds: 900 }],
    };
  };

  it('leaves every person’s name out of the report for anonymous viewers, and in for the rest', async () => {
    const hidden = await serve({ buildReportFor: withPeople, hideNames: () => true });
    const json = await (await request(`${hidden.url}/api/report?${query(DAY)}`)).body.text();
    const html = await (await request(`${hidden.url}/report?${query(DAY)}`)).body.text();
    for (const text of [json, html]) {
      expect(text).not.toContain('lan.nguyen');
      expect(text).not.toContain('Cán bộ xã Mỹ Hòa Hưng');
    }
    const incidents = (JSON.parse(json) as { incidents: { acknowledgedBy: unknown; acknowledgedAt: unknown; people: { reportedBy: unknown } | null }[] })
      .incidents;
    expect(incidents.map((incident) => incident.acknowledgedBy)).toEqual([null, null]);
    expect(incidents.every((incident) => incident.acknowledgedAt !== null)).toBe(true);
    expect(incidents[1]?.people?.reportedBy).toBeNull();

    const shown = await serve({ buildReportFor: withPeople, hideNames: () => false });
    expect(await (await request(`${shown.url}/api/report?${query(DAY)}`)).body.text()).toContain('Cán bộ xã Mỹ Hòa Hưng');
    expect(await (await request(`${shown.url}/report?${query(DAY)}`)).body.text()).toContain('lan.nguyen');
  });
});

describe('GET /api/reports', () => {
  it('lists the reports sent, as given, with ISO times', async () => {
    const sent: ReportSend = {
      report: 'daily',
      scheduledFor: at('2026-12-02T08:30:00Z'),
      window: { from: at('2026-12-01T08:30:00Z'), to: at('2026-12-02T08:30:00Z') },
      queuedAt: at('2026-12-02T08:30:01Z'),
      acceptedAt: at('2026-12-02T08:30:03Z'),
      to: ['pc06@angiang.gov.vn'],
      cc: [],
      late: false,
      messageId: '<report.daily.20261202@dvc-sentinel>',
    };
    const server = await serve({ reports: () => [sent] });
    const response = await request(`${server.url}/api/reports`);
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual({
      reports: [
        {
          report: 'daily',
          scheduledFor: '2026-12-02T08:30:00.000Z',
          window: { from: '2026-12-01T08:30:00.000Z', to: '2026-12-02T08:30:00.000Z' },
          queuedAt: '2026-12-02T08:30:01.000Z',
          acceptedAt: '2026-12-02T08:30:03.000Z',
          to: ['pc06@angiang.gov.vn'],
          cc: [],
          late: false,
          messageId: '<report.daily.20261202@dvc-sentinel>',
        },
      ],
    });
  });

  it('is an empty list before any report was sent', async () => {
    const server = await serve();
    expect(await (await request(`${server.url}/api/reports`)).body.json()).toEqual({ reports: [] });
  });
});
