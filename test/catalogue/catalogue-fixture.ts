// A catalogue check against the simulated national API, written as a real config file in a temp
// directory (the loader and its defaults are part of what the tests run).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, systemMonotonic } from '../../src/clock.ts';
import type { CatalogueCheck } from '../../src/config/catalogue-config.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/log.ts';
import { CATALOGUE_PATHS } from '../../src/sim/catalogue-api.ts';
import type { CatalogueStore } from '../../src/store/store.ts';
import type { CrawlDeps } from '../../src/catalogue/crawl.ts';

export interface FixtureOptions {
  readonly rate?: number;
  readonly limit?: number;
  readonly deadline?: string;
  readonly compareWith?: string;
}

/** Writes <dir>/monitor.yaml and returns its path and the loaded catalogue check. */
export function writeCatalogueConfig(dir: string, simUrl: string, options: FixtureOptions = {}): { file: string; check: CatalogueCheck } {
  const file = join(dir, 'monitor.yaml');
  const lines = [
    'storage:',
    `  path: ${JSON.stringify(join(dir, 'sentinel.db'))}`,
    'checks:',
    '  - name: national-catalogue',
    '    kind: catalogue',
    '    system: national-portal',
    '    schedule: "0 1 * * *"',
    `    rate: ${options.rate ?? 50}`,
    `    deadline: ${options.deadline ?? '2m'}`,
    '    timeout: 5s',
    '    source:',
    '      list:',
    `        url: ${simUrl}${CATALOGUE_PATHS.list}`,
    '        method: POST',
    `        body: { limit: ${options.limit ?? 20}, lastId: "{{cursor}}", q: "", categoryId: "", departmentCode: "" }`,
    '        items: "$.data.items"',
    '        cursor: "$.data.lastId"',
    '        id: "$.id"',
    '      detail:',
    `        url: ${simUrl}${CATALOGUE_PATHS.detail}`,
    '        method: POST',
    '        body: { id: "{{id}}" }',
    '        record: "$.data"',
    '    key: "$.code"',
    '    fields:',
    '      name: "$.name"',
    '      fees: "$.executionMethods[*].fees[*].amount"',
    '      processingTime: "$.executionMethods[*].processingTime"',
    '      forms: "$.executionCases[*].profileComponents[*].attachments[*].fileName"',
    '      agency: "$.departmentsExecuting[*].name"',
  ];
  if (options.compareWith !== undefined) {
    lines.push(
      '    compareWith:',
      `      file: ${options.compareWith}`,
      '      columns: { key: "Mã TTHC", name: "Tên thủ tục", fees: "Lệ phí", processingTime: "Thời hạn", agency: "Cơ quan thực hiện" }',
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  const { config } = loadConfig(file);
  return { file, check: config.catalogues[0]! };
}

export function crawlDeps(store: CatalogueStore, signal?: AbortSignal): CrawlDeps {
  return { store, clock: systemClock, monotonic: systemMonotonic, log: createLogger({ level: 'silent' }), signal };
}
