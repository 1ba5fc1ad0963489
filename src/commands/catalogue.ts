// `catalogue crawl|diff|export`: one crawl now (beside a running daemon: the crawl lock in the store
// keeps the two apart), the review of two snapshots (and the provincial export), the newest
// snapshot as a file. Exit codes: crawl 0 complete, 1 failed or blocked; diff and export 0 when
// the snapshots could be read; 2 for usage and config errors (cli.ts).
import { writeFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import type { Logger } from 'pino';
import { crawlCatalogue } from '../catalogue/crawl.ts';
import { CatalogueUsageError } from './catalogue-usage-error.ts';
import { ExportError } from '../catalogue/read-export.ts';
import { reviewCatalogue, reviewHeader, reviewJson, reviewRows, toCsv, type ReviewWindow } from '../catalogue/review.ts';
import { systemClock, systemMonotonic } from '../clock.ts';
import type { CatalogueCheck } from '../config/catalogue-config.ts';
import { loadConfig } from '../config/load-config.ts';
import { createCatalogueStore } from '../store/catalogue-store.ts';
import { closeDatabase, openDatabase, openDatabaseBeside, openDatabaseReadOnly, StoreError } from '../store/database.ts';
import { migrations } from '../store/migrations/migrations.ts';
import type { Locale } from '../config/alerting-config.ts';
import { wordsFor } from '../text/locale.ts';
import { formatDateTime } from '../text/format-time.ts';

export interface CatalogueOptions {
  readonly action: string | undefined;
  readonly config: string;
  readonly check: string | undefined;
  readonly from?: string;
  readonly to?: string;
  readonly format?: string;
  readonly out?: string;
}

interface Io {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** The schema version that holds the catalogue tables. */
const CATALOGUE_SCHEMA = migrations.findIndex((migration) => migration.name === 'catalogue') + 1;

export async function catalogueCommand(options: CatalogueOptions, io: Io, log: Logger, stop?: AbortSignal): Promise<number> {
  const action = options.action;
  if (action !== 'crawl' && action !== 'diff' && action !== 'export') throw new CatalogueUsageError('catalogue takes crawl, diff or export');
  const formats: readonly string[] = { crawl: [], diff: ['table', 'csv', 'json'], export: ['csv', 'xlsx', 'json'] }[action];
  if (options.format !== undefined && !formats.includes(options.format)) {
    throw new CatalogueUsageError(`catalogue ${action} --format takes ${formats.join(', ') || 'no format'}`);
  }
  const { config } = loadConfig(options.config);
  if (options.check === undefined) throw new CatalogueUsageError(`catalogue ${action} needs --check NAME`);
  const check = config.catalogues.find((candidate) => candidate.name === options.check);
  if (check === undefined) {
    const names = config.catalogues.map((candidate) => candidate.name);
    throw new CatalogueUsageError(
      `no catalogue check "${options.check}" in ${options.config}${names.length > 0 ? ` (catalogue checks: ${names.join(', ')})` : ''}`,
    );
  }
  if (action === 'crawl') return crawl(check, config.storagePath, io, log, stop);
  const locale = config.alerting.locale;
  const db = openDatabaseReadOnly(config.storagePath);
  try {
    // A store the daemon has not yet migrated this far holds no snapshot.
    if ((db.pragma('user_version', { simple: true }) as number) < CATALOGUE_SCHEMA) {
      io.stderr(wordsFor(locale).catalogue.noSnapshot(check.name));
      return 0;
    }
    const store = createCatalogueStore(db);
    if (action === 'diff') return await diff(check, store, windowOf(options), options.format ?? 'table', io, locale);
    return await exportSnapshot(check, store, options.format ?? 'csv', options.out, io, locale);
  } catch (error) {
    if (error instanceof ExportError) {
      io.stderr(error.message);
      return 1;
    }
    throw error;
  } finally {
    closeDatabase(db);
  }
}

async function crawl(check: CatalogueCheck, storagePath: string, io: Io, log: Logger, stop: AbortSignal | undefined): Promise<number> {
  let db: Database.Database;
  try {
    db = openDatabase(storagePath, { log });
  } catch (error) {
    // The daemon holds the store: crawl beside it; the crawl lock keeps the two from crawling at once.
    if (!(error instanceof StoreError) || error.code !== 'STORE_LOCKED') throw error;
    db = openDatabaseBeside(storagePath, CATALOGUE_SCHEMA);
  }
  try {
    const outcome = await crawlCatalogue(check, { store: createCatalogueStore(db), clock: systemClock, monotonic: systemMonotonic, log, signal: stop });
    if (outcome.status === 'busy') {
      io.stderr(`${check.name}: another crawl is running (pid ${outcome.pid} on ${outcome.host}); not started`);
      return 1;
    }
    if (outcome.status === 'failed') {
      io.stderr(`${check.name}: crawl stopped, reason ${outcome.reason}: ${outcome.message}`);
      return 1;
    }
    io.stdout(`${check.name}: snapshot ${outcome.snapshot.id} complete, ${outcome.snapshot.items} procedures, ${outcome.requests} requests`);
    return 0;
  } finally {
    closeDatabase(db);
  }
}

async function diff(
  check: CatalogueCheck,
  store: ReturnType<typeof createCatalogueStore>,
  window: ReviewWindow,
  format: string,
  io: Io,
  locale: Locale,
): Promise<number> {
  const words = wordsFor(locale).catalogue;
  const review = await reviewCatalogue(check, store, window);
  if (format === 'json') {
    io.stdout(reviewJson(review));
    return 0;
  }
  const rows = reviewRows(review, words);
  if (format === 'csv') {
    process.stdout.write(toCsv([reviewHeader(words), ...rows]));
    return 0;
  }
  if (review.to === undefined) {
    io.stdout(words.noSnapshot(check.name));
    return 0;
  }
  // A person reads this line: local time, as everywhere else (the JSON keeps the instants).
  const shown = (at: Date | undefined): string => (at === undefined ? '—' : formatDateTime(at, locale));
  io.stdout(words.compared(shown(review.from?.completedAt), shown(review.to.completedAt)));
  if (check.compareWith !== undefined) io.stdout(words.comparedWith(check.compareWith.file));
  if (rows.length === 0) io.stdout(words.noChanges);
  else io.stdout(formatTable([reviewHeader(words), ...rows]));
  return 0;
}

async function exportSnapshot(
  check: CatalogueCheck,
  store: ReturnType<typeof createCatalogueStore>,
  format: string,
  out: string | undefined,
  io: Io,
  locale: Locale,
): Promise<number> {
  const newest = store.snapshots(check.name)[0];
  if (newest === undefined) {
    io.stderr(wordsFor(locale).catalogue.noSnapshot(check.name));
    return 0;
  }
  const names = Object.keys(check.fields);
  const header = [wordsFor(locale).catalogue.columns.code, ...names];
  if (format === 'json') {
    const records = [...store.records(check.name, newest.id)];
    write(JSON.stringify({ check: check.name, snapshot: newest.id, completedAt: newest.completedAt?.toISOString(), records }, null, 2) + '\n', out);
    return 0;
  }
  if (format === 'csv') {
    const rows = [header];
    for (const record of store.records(check.name, newest.id)) rows.push([record.code, ...names.map((name) => (record.fields[name] ?? []).join('; '))]);
    write(toCsv(rows), out);
    return 0;
  }
  const file = out ?? `${check.name}-${newest.id}.xlsx`;
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(check.name.slice(0, 31));
  sheet.addRow(header).font = { bold: true };
  for (const record of store.records(check.name, newest.id)) sheet.addRow([record.code, ...names.map((name) => (record.fields[name] ?? []).join('; '))]);
  await workbook.xlsx.writeFile(file);
  io.stdout(file);
  return 0;
}

function write(text: string, out: string | undefined): void {
  if (out === undefined) process.stdout.write(text);
  else writeFileSync(out, text);
}

/** YYYY-MM-DD is the end of that day in Vietnam (UTC+7); an ISO instant is itself. */
function windowOf(options: CatalogueOptions): ReviewWindow {
  const instant = (text: string | undefined, flag: string): Date | undefined => {
    if (text === undefined) return undefined;
    const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T23:59:59.999+07:00`) : new Date(text);
    if (Number.isNaN(date.getTime())) throw new CatalogueUsageError(`${flag} must be a date (YYYY-MM-DD) or an ISO time, not "${text}"`);
    return date;
  };
  return { from: instant(options.from, '--from'), to: instant(options.to, '--to') };
}

function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.min(48, Math.max(...rows.map((row) => [...(row[column] ?? '')].length))));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
