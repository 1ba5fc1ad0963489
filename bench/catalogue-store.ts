// Benchmark: how much the store grows per 1,000 procedures per month of nightly catalogue crawls,
// and how much memory a crawl holds. Real crawls (HTTP, normalise, store) of the simulated national
// API on 127.0.0.1, one per simulated night, as fast as the machine goes.
//   npx tsx bench/catalogue-store.ts                          # 1000 procedures, 30 nights
//   npx tsx bench/catalogue-store.ts --procedures 2000 --nights 30
// Each night a few procedures change (the simulator's scenarios toggle: a fee, a processing time,
// a form, one unpublished), the rest are unchanged: the store keeps a version only when a record
// changes. Size = (page_count − freelist_count) × page_size after a WAL checkpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { crawlCatalogue } from '../src/catalogue/crawl.ts';
import { systemMonotonic } from '../src/clock.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { createLogger } from '../src/log.ts';
import { CATALOGUE_PATHS, startCatalogueSim, type CatalogueScenario } from '../src/sim/catalogue-api.ts';
import { openStore } from '../src/store/store.ts';
import { writeFileSync } from 'node:fs';

const { values } = parseArgs({ options: { procedures: { type: 'string', default: '1000' }, nights: { type: 'string', default: '30' } } });
const procedures = Number(values.procedures);
const nights = Number(values.nights);
const dir = mkdtempSync(join(tmpdir(), 'dvc-catalogue-bench-'));
const sim = await startCatalogueSim({ procedures });
const file = join(dir, 'monitor.yaml');
writeFileSync(
  file,
  `storage: { path: ${JSON.stringify(join(dir, 'sentinel.db'))} }
checks:
  - name: national-catalogue
    kind: catalogue
    system: national-portal
    schedule: "0 1 * * *"
    rate: 5000
    source:
      list: { url: ${sim.url}${CATALOGUE_PATHS.list}, body: { limit: 50, lastId: "{{cursor}}" }, items: "$.data.items", cursor: "$.data.lastId", id: "$.id" }
      detail: { url: ${sim.url}${CATALOGUE_PATHS.detail}, body: { id: "{{id}}" }, record: "$.data" }
    key: "$.code"
    fields:
      name: "$.name"
      fees: "$.executionMethods[*].fees[*].amount"
      processingTime: "$.executionMethods[*].processingTime"
      forms: "$.executionCases[*].profileComponents[*].attachments[*].fileName"
      components: "$.executionCases[*].profileComponents[*].name"
      agency: "$.departmentsExecuting[*].name"
`,
);
const check = loadConfig(file).config.catalogues[0]!;
const log = createLogger({ level: 'silent' });
const store = openStore(join(dir, 'sentinel.db'), { log });
const sizeOf = (): number => {
  const db = new Database(join(dir, 'sentinel.db'));
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pages = (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
  const size = pages * (db.pragma('page_size', { simple: true }) as number);
  db.close();
  return size;
};
const empty = sizeOf();
const scenarios: CatalogueScenario[] = ['fee-changed', 'time-changed', 'form-changed', 'unpublished'];
let heapPeak = 0;
const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 5);
const heapBefore = process.memoryUsage().heapUsed;
let afterFirst = 0;
const started = performance.now();
for (let night = 0; night < nights; night++) {
  // Night n flips scenario n mod 4: each night 1 to 2 procedures differ from the night before.
  if (night > 0) sim.set(scenarios[night % 4]!, night % 8 < 4);
  const outcome = await crawlCatalogue(check, {
    store: store.catalogue,
    clock: () => new Date(Date.UTC(2026, 0, 1 + night, 18)),
    monotonic: systemMonotonic,
    log,
  });
  if (outcome.status !== 'complete') throw new Error(`night ${night}: ${JSON.stringify(outcome)}`);
  if (night === 0) afterFirst = sizeOf();
}
clearInterval(sampler);
const seconds = (performance.now() - started) / 1000;
store.close();
const total = sizeOf();
const versions = (new Database(join(dir, 'sentinel.db'), { readonly: true }).prepare('SELECT count(*) AS n FROM catalogue_records').get() as { n: number }).n;
await sim.close();
rmSync(dir, { recursive: true, force: true });
const perThousand = (bytes: number) => `${(((bytes / procedures) * 1000) / 1024).toFixed(0)} KiB`;
console.log(
  JSON.stringify(
    {
      procedures,
      nights,
      requests: sim.arrivals.length,
      seconds: Number(seconds.toFixed(1)),
      versions,
      firstSnapshotBytes: afterFirst - empty,
      monthBytes: total - empty,
      perThousandProceduresFirstSnapshot: perThousand(afterFirst - empty),
      perThousandProceduresPerMonth: perThousand(total - empty),
      perThousandProceduresPerMonthAfterFirst: perThousand(total - afterFirst),
      heapGrowthPeakMiB: Number(((heapPeak - heapBefore) / 1048576).toFixed(1)),
    },
    null,
    2,
  ),
);
