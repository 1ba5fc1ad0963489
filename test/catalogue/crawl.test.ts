// Crawls of the simulated national catalogue into a real store file: the pace, the snapshot, the
// day-over-day changes, the firewall, and a resume after a block.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crawlCatalogue } from '../../src/catalogue/crawl.ts';
import { reviewCatalogue } from '../../src/catalogue/review.ts';
import { createLogger } from '../../src/log.ts';
import { CATALOGUE_SCENARIO_TARGETS, startCatalogueSim, type CatalogueSim } from '../../src/sim/catalogue-api.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';
import { crawlDeps, writeCatalogueConfig } from './catalogue-fixture.ts';

let dir: TempDatabaseDir;
let sim: CatalogueSim;
let store: Store;

beforeEach(() => {
  dir = createTempDatabaseDir();
  store = openStore(dir.path(), { log: createLogger({ level: 'silent' }) });
});

afterEach(async () => {
  store.close();
  await sim?.close();
  dir.remove();
});

describe('catalogue crawl', () => {
  it('reads every procedure at no more than the configured rate and stores one snapshot', async () => {
    sim = await startCatalogueSim({ procedures: 40 });
    const { check } = writeCatalogueConfig(dir.dir, sim.url, { rate: 20, limit: 15 });
    const started = performance.now();
    const outcome = await crawlCatalogue(check, crawlDeps(store.catalogue));
    const seconds = (performance.now() - started) / 1000;

    expect(outcome.status).toBe('complete');
    // 40 details + 4 list pages (the last one empty).
    expect(sim.arrivals.length).toBe(44);
    expect(sim.maxPerSecond()).toBeLessThanOrEqual(20);
    // 43 gaps of 50 ms at least.
    expect(seconds).toBeGreaterThanOrEqual(43 * 0.05 - 0.01);
    const [snapshot] = store.catalogue.snapshots(check.name);
    expect(snapshot?.items).toBe(40);
    const records = [...store.catalogue.records(check.name, snapshot!.id)];
    expect(records.map((record) => record.code)).toEqual(sim.procedures.map((procedure) => procedure.code).sort());
    const third = records.find((record) => record.code === sim.procedures[2]!.code)!;
    // Sets: two submission methods with the same fee and time give one value each; the image and the view counter are gone.
    expect(third.fields).toEqual({
      name: [sim.procedures[2]!.name],
      fees: [String(sim.procedures[2]!.fee)],
      processingTime: [String(sim.procedures[2]!.days)],
      forms: [sim.procedures[2]!.form],
      agency: [sim.procedures[2]!.agency],
    });
  });

  it('two crawls with one fee and one processing time changed report exactly those two changes', async () => {
    sim = await startCatalogueSim({ procedures: 60 });
    const { check } = writeCatalogueConfig(dir.dir, sim.url, { rate: 200, limit: 25 });
    expect((await crawlCatalogue(check, crawlDeps(store.catalogue))).status).toBe('complete');
    sim.set('fee-changed', true);
    sim.set('time-changed', true);
    expect((await crawlCatalogue(check, crawlDeps(store.catalogue))).status).toBe('complete');

    const review = await reviewCatalogue(check, store.catalogue);
    const fee = sim.procedures[CATALOGUE_SCENARIO_TARGETS['fee-changed']]!;
    const time = sim.procedures[CATALOGUE_SCENARIO_TARGETS['time-changed']]!;
    expect(review.added).toEqual([]);
    expect(review.removed).toEqual([]);
    expect(review.changes).toEqual(
      [
        { code: fee.code, field: 'fees', old: String(fee.fee), new: String(fee.fee + 15000) },
        { code: time.code, field: 'processingTime', old: String(time.days), new: String(time.days + 3) },
      ].sort((a, b) => (a.code < b.code ? -1 : 1)),
    );
    // Only the two changed procedures were stored again: 60 first versions and 2 new ones.
    expect([...store.catalogue.records(check.name, review.to!.id)]).toHaveLength(60);
    const db = new Database(dir.path(), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM catalogue_records').get()).toEqual({ n: 62 });
    db.close();
  });

  it('reports a form changed and a procedure unpublished', async () => {
    sim = await startCatalogueSim({ procedures: 40 });
    const { check } = writeCatalogueConfig(dir.dir, sim.url, { rate: 200 });
    await crawlCatalogue(check, crawlDeps(store.catalogue));
    sim.set('form-changed', true);
    sim.set('unpublished', true);
    await crawlCatalogue(check, crawlDeps(store.catalogue));
    const review = await reviewCatalogue(check, store.catalogue);
    const form = sim.procedures[CATALOGUE_SCENARIO_TARGETS['form-changed']]!;
    expect(review.removed).toEqual([sim.procedures[CATALOGUE_SCENARIO_TARGETS.unpublished]!.code]);
    expect(review.changes).toEqual([{ code: form.code, field: 'forms', old: form.form, new: form.form.replace('.docx', '-sua-doi.docx') }]);
  });

  it('stops after 3 refusals in a row with reason blocked, and the next crawl resumes where it stopped', async () => {
    sim = await startCatalogueSim({ procedures: 30 });
    const { check } = writeCatalogueConfig(dir.dir, sim.url, { rate: 100, limit: 10 });
    // Block the portal once 12 requests have come in: the first page and 11 details are stored.
    const blocking = setInterval(() => {
      if (sim.arrivals.length >= 12) sim.block(true);
    }, 1);
    const first = await crawlCatalogue(check, crawlDeps(store.catalogue));
    clearInterval(blocking);
    expect(first).toMatchObject({ status: 'failed', reason: 'blocked' });
    expect(sim.refused()).toBe(3);
    expect(store.catalogue.snapshots(check.name)).toEqual([]);
    const servedBeforeBlock = [...sim.detailsServed.values()].reduce((sum, count) => sum + count, 0);
    expect(servedBeforeBlock).toBeGreaterThan(5);

    sim.block(false);
    const second = await crawlCatalogue(check, crawlDeps(store.catalogue));
    expect(second.status).toBe('complete');
    // Resumed, not started over: every detail was fetched exactly once over the two crawls.
    expect(sim.detailsServed.size).toBe(30);
    expect([...sim.detailsServed.values()].every((count) => count === 1)).toBe(true);
    expect(second.status === 'complete' && second.requests).toBeLessThan(34 - servedBeforeBlock + 2);
    expect(store.catalogue.snapshots(check.name)[0]?.items).toBe(30);
  });

  it('a firewall that refuses fast clients blocks a crawl above its pace and lets one at its pace through', async () => {
    sim = await startCatalogueSim({ procedures: 10, minIntervalMs: 40 });
    const fast = writeCatalogueConfig(dir.dir, sim.url, { rate: 200 }).check;
    const refused = await crawlCatalogue(fast, crawlDeps(store.catalogue));
    expect(refused).toMatchObject({ status: 'failed', reason: 'blocked' });

    const slow = writeCatalogueConfig(dir.dir, sim.url, { rate: 20 }).check;
    const passed = await crawlCatalogue(slow, crawlDeps(store.catalogue));
    expect(passed.status).toBe('complete');
  });

  it('never runs two crawls of one check at once', async () => {
    sim = await startCatalogueSim({ procedures: 10 });
    const { check } = writeCatalogueConfig(dir.dir, sim.url, { rate: 50 });
    const [one, two] = await Promise.all([crawlCatalogue(check, crawlDeps(store.catalogue)), crawlCatalogue(check, crawlDeps(store.catalogue))]);
    expect([one.status, two.status].sort()).toEqual(['busy', 'complete']);
  });
});
