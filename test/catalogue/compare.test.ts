// The newest snapshot against a provincial export (CSV and .xlsx): codes missing on either side
// and field mismatches, with the formatting the two systems differ in forgiven.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crawlCatalogue } from '../../src/catalogue/crawl.ts';
import { reviewCatalogue } from '../../src/catalogue/review.ts';
import { sameValues } from '../../src/catalogue/tolerance.ts';
import { createLogger } from '../../src/log.ts';
import { provincialExportCsv, startCatalogueSim, type CatalogueSim } from '../../src/sim/catalogue-api.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';
import { crawlDeps, writeCatalogueConfig } from './catalogue-fixture.ts';

let dir: TempDatabaseDir;
let sim: CatalogueSim;
let store: Store;

beforeEach(async () => {
  dir = createTempDatabaseDir();
  store = openStore(dir.path(), { log: createLogger({ level: 'silent' }) });
  sim = await startCatalogueSim({ procedures: 25 });
});

afterEach(async () => {
  store.close();
  await sim.close();
  dir.remove();
});

describe('compareWith a provincial export', () => {
  it('a CSV export with one missing code and one mismatched fee reports exactly those', async () => {
    const missing = sim.procedures[4]!;
    const differs = sim.procedures[6]!;
    writeFileSync(join(dir.dir, 'provincial.csv'), provincialExportCsv(sim.procedures, { missing: [missing.code], fees: { [differs.code]: '99.000 đồng' } }));
    const { check } = writeCatalogueConfig(dir.dir, sim.url, { rate: 500, compareWith: 'provincial.csv' });
    expect((await crawlCatalogue(check, crawlDeps(store.catalogue))).status).toBe('complete');

    const review = await reviewCatalogue(check, store.catalogue);
    expect(review.missing).toEqual({ inSource: [], inOther: [missing.code] });
    expect(review.mismatches).toEqual([{ code: differs.code, field: 'fees', source: String(differs.fee), other: '99.000 đồng' }]);
  });

  it('an .xlsx export is read the same way, and a code only in the export is missing in the source', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('TTHC');
    sheet.addRow(['Mã TTHC', 'Tên thủ tục', 'Lệ phí', 'Thời hạn', 'Cơ quan thực hiện']);
    for (const procedure of sim.procedures) {
      sheet.addRow([
        procedure.code,
        procedure.name,
        procedure.fee === 0 ? 'Miễn phí' : procedure.fee.toLocaleString('en-US'),
        `${procedure.days}`,
        procedure.agency,
      ]);
    }
    sheet.addRow(['9.999999.000.00.00.H01', 'Thủ tục chỉ có ở tỉnh', '', '', 'Sở Nội vụ']);
    await workbook.xlsx.writeFile(join(dir.dir, 'provincial.xlsx'));
    const { check } = writeCatalogueConfig(dir.dir, sim.url, { rate: 500, compareWith: 'provincial.xlsx' });
    await crawlCatalogue(check, crawlDeps(store.catalogue));

    const review = await reviewCatalogue(check, store.catalogue);
    expect(review.mismatches).toEqual([]);
    expect(review.missing).toEqual({ inSource: ['9.999999.000.00.00.H01'], inOther: [] });
  });

  it('forgives thousand separators, currency words, units in words and the order of ";"-split values', () => {
    expect(sameValues(['1500000'], ['1.500.000 đồng'])).toBe(true);
    expect(sameValues(['1500000'], ['1,500,000'])).toBe(true);
    expect(sameValues(['15 WORKING_DAY'], ['15 ngày làm việc'])).toBe(true);
    expect(sameValues(['15'], ['15 ngày làm việc'])).toBe(true);
    expect(sameValues(['10000', '50000'], ['50.000', '10.000'])).toBe(true);
    expect(sameValues([], ['Không'])).toBe(true);
    expect(sameValues(['Sở  Tư pháp'], ['sở tư pháp'])).toBe(true);
    expect(sameValues(['15 WORKING_DAY'], ['15 ngày'])).toBe(false);
    expect(sameValues(['50000'], ['55.000'])).toBe(false);
    expect(sameValues(['10000', '50000'], ['10.000'])).toBe(false);
  });
});
