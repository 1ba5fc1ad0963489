// The catalogue review on the status server: the status page's line per catalogue check (last
// crawl and counts) linking to /catalogue, which lists the rows; /api/catalogue as JSON.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.ts';
import type { CatalogueView } from '../../src/server/catalogue-page.ts';
import { createRoutes } from '../../src/server/routes.ts';
import { startHttpServer, type HttpServer } from '../../src/server/server.ts';

const servers: HttpServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const VIEW: CatalogueView = {
  check: 'national-catalogue',
  status: 'warning',
  lastCrawl: { at: new Date('2026-12-02T18:20:00Z'), outcome: 'complete' },
  snapshot: { at: new Date('2026-12-02T18:20:00Z'), items: 6312, otherItems: 1890 },
  entries: [
    { code: '1.010007.000.00.00.H01', kind: 'changed', field: 'fees', old: '50000', new: '65000' },
    { code: '1.010006.000.00.00.H01', kind: 'mismatch', field: 'agency', old: 'Sở <Tư pháp>', new: 'Sở Tư pháp' },
  ],
  link: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh?ma={{code}}',
};

async function serve(views: readonly CatalogueView[]): Promise<string> {
  const routes = createRoutes({
    metrics: createMetrics({ version: '9.9.9', collectProcessMetrics: false }),
    health: () => ({ ok: true, reasons: [] }),
    status: () => ({
      version: '0.1.0',
      startedAt: '2026-12-02T01:00:00.000Z',
      generatedAt: '2026-12-03T01:00:00.000Z',
      summary: { ok: 0, warning: 0, critical: 0, unknown: 0 },
      checks: [],
      incidents: [],
    }),
    catalogues: () => views,
  });
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes, log: pino({ level: 'silent' }) });
  servers.push(server);
  return server.url;
}

describe('catalogue review on the status server', () => {
  it('shows the last crawl and counts on the status page and the rows on /catalogue, escaped, with links', async () => {
    const url = await serve([VIEW]);
    const status = await (await fetch(`${url}/`)).text();
    expect(status).toContain('<h2 id="catalogue">Rà soát danh mục TTHC</h2>');
    expect(status).toMatch(/<td>national-catalogue<\/td><td>Có thay đổi hoặc sai lệch<\/td><td>[^<]*hoàn tất<\/td><td>6312<\/td><td>1<\/td><td>1<\/td>/);
    expect(status).toContain('<a href="/catalogue">');

    const page = await fetch(`${url}/catalogue`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<a href="https://dichvucong.gov.vn/thu-tuc-hanh-chinh?ma=1.010007.000.00.00.H01" rel="noopener">1.010007.000.00.00.H01</a>');
    expect(html).toContain('Sở &lt;Tư pháp&gt;');
    expect(html).toContain('6312 thủ tục; tệp của tỉnh: 1890 dòng');

    const json = (await (await fetch(`${url}/api/catalogue`)).json()) as { check: string; entries: unknown[] }[];
    expect(json[0]).toMatchObject({ check: 'national-catalogue', entries: [{ field: 'fees' }, { field: 'agency' }] });
  });

  it('leaves the status page without the section when no catalogue check is configured', async () => {
    const url = await serve([]);
    expect(await (await fetch(`${url}/`)).text()).not.toContain('id="catalogue"');
    expect(await (await fetch(`${url}/catalogue`)).text()).toContain('Chưa cấu hình kiểm tra danh mục nào.');
  });
});
