// The daemon's side of a catalogue check: one run crawls, reviews and records the counts; its
// status is warning on changes and critical only when the crawl fails.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogueViews, createCatalogueScheduler, type CatalogueScheduler } from '../../src/catalogue/catalogue-scheduler.ts';
import { renderCataloguePage } from '../../src/server/catalogue-page.ts';
import { CATALOGUE_SCENARIO_TARGETS } from '../../src/sim/catalogue-api.ts';
import { systemClock, systemMonotonic } from '../../src/clock.ts';
import { createLogger } from '../../src/log.ts';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.ts';
import { startCatalogueSim, type CatalogueSim } from '../../src/sim/catalogue-api.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';
import { writeCatalogueConfig } from './catalogue-fixture.ts';

let dir: TempDatabaseDir;
let sim: CatalogueSim;
let store: Store;
let metrics: Metrics;
let scheduler: CatalogueScheduler;

beforeEach(async () => {
  dir = createTempDatabaseDir();
  sim = await startCatalogueSim({ procedures: 40 });
  store = openStore(dir.path(), { log: createLogger({ level: 'silent' }) });
  metrics = createMetrics({ version: 'test', collectProcessMetrics: false });
  scheduler = createCatalogueScheduler({
    store,
    metrics,
    clock: systemClock,
    monotonic: systemMonotonic,
    log: createLogger({ level: 'silent' }),
    wake: () => {},
  });
});

afterEach(async () => {
  await scheduler.stop();
  store.close();
  await sim.close();
  dir.remove();
});

async function series(name: string): Promise<string[]> {
  const { body } = await metrics.render();
  return body.split('\n').filter((line) => line.startsWith(`${name}{`));
}

describe('a catalogue check run by the daemon', () => {
  it('is ok on the first snapshot, warning on a change, critical when blocked, with the counts as metrics', async () => {
    const { check } = writeCatalogueConfig(dir.dir, sim.url, { rate: 500 });
    expect((await scheduler.run(check)).status).toBe('ok');
    expect(await series('dvc_catalogue_items')).toEqual(['dvc_catalogue_items{check="national-catalogue",source="source"} 40']);

    sim.set('unpublished', true);
    sim.set('fee-changed', true);
    expect((await scheduler.run(check)).status).toBe('warning');
    expect(await series('dvc_catalogue_changes')).toEqual([
      'dvc_catalogue_changes{check="national-catalogue",kind="added"} 0',
      'dvc_catalogue_changes{check="national-catalogue",kind="removed"} 1',
      'dvc_catalogue_changes{check="national-catalogue",kind="changed"} 1',
    ]);
    expect(await series('dvc_catalogue_status')).toEqual(['dvc_catalogue_status{check="national-catalogue"} 1']);

    // The status page's /catalogue lists both, each code linking to the portal.
    const linked = { ...check, link: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh?ma={{code}}' };
    const page = renderCataloguePage(catalogueViews([linked], scheduler.statuses()), 'vi');
    const fee = sim.procedures[CATALOGUE_SCENARIO_TARGETS['fee-changed']]!;
    expect(page).toContain(`<a href="https://dichvucong.gov.vn/thu-tuc-hanh-chinh?ma=${encodeURIComponent(fee.code)}" rel="noopener">${fee.code}</a>`);
    expect(page).toContain('Bãi bỏ / ngừng công bố');
    expect(page).toContain('Có thay đổi hoặc sai lệch');

    sim.block(true);
    const blocked = await scheduler.run(check);
    expect(blocked).toMatchObject({ status: 'critical', lastCrawl: { outcome: 'failed', reason: 'blocked' } });
    expect(await series('dvc_catalogue_status')).toEqual(['dvc_catalogue_status{check="national-catalogue"} 2']);
  });
});
