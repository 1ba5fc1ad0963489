// What `catalogue diff` and the change mail report: two snapshots compared (added, removed,
// changed field by field) and, when the check has compareWith, the newer one against the
// provincial export. Reads the store; the comparisons themselves are pure (diff.ts, compare.ts).
import type { CatalogueCheck } from '../config/catalogue-config.ts';
import type { CatalogueSnapshot, CatalogueStore } from '../store/store.ts';
import type { CatalogueWords } from '../text/locale.ts';
import { compareWithExport, type CatalogueComparison } from './compare.ts';
import { diffSnapshots, type CatalogueDiff } from './diff.ts';
import { readProvincialExport } from './read-export.ts';

export interface CatalogueReview extends CatalogueDiff, CatalogueComparison {
  readonly check: string;
  /** Absent when there is no complete snapshot yet (then everything is empty). */
  readonly to?: CatalogueSnapshot;
  /** Absent when `to` is the first snapshot (nothing to compare with: nothing added). */
  readonly from?: CatalogueSnapshot;
  /** Rows of the compared export; absent without compareWith. */
  readonly otherItems?: number;
}

export interface ReviewWindow {
  /** Instants: the newest complete snapshot at or before each is compared. */
  readonly from?: Date;
  readonly to?: Date;
}

export async function reviewCatalogue(check: CatalogueCheck, store: CatalogueStore, window: ReviewWindow = {}): Promise<CatalogueReview> {
  const snapshots = store.snapshots(check.name);
  const at = (instant: Date | undefined, skip: number) =>
    instant === undefined ? snapshots[skip] : snapshots.find((snapshot) => snapshot.completedAt !== undefined && snapshot.completedAt <= instant);
  const to = at(window.to, 0);
  const empty = { mismatches: [], missing: { inSource: [], inOther: [] } };
  if (to === undefined) return { check: check.name, added: [], removed: [], changes: [], ...empty };
  const from = window.from === undefined ? snapshots[snapshots.indexOf(to) + 1] : at(window.from, 1);
  const diff =
    from === undefined || from.id === to.id
      ? { added: [], removed: [], changes: [] }
      : diffSnapshots(store.records(check.name, from.id), store.records(check.name, to.id));
  const rows = check.compareWith === undefined ? undefined : await readProvincialExport(check.compareWith);
  const comparison = rows === undefined ? empty : compareWithExport(store.records(check.name, to.id), rows);
  return { check: check.name, from, to, ...diff, ...comparison, otherItems: rows?.length };
}

export type ReviewKind = keyof CatalogueWords['kinds'];

/** One line of a review: old/new are the national and provincial values for a mismatch. */
export interface ReviewEntry {
  readonly code: string;
  readonly kind: ReviewKind;
  readonly field: string;
  readonly old: string;
  readonly new: string;
}

export function reviewEntries(review: CatalogueReview): ReviewEntry[] {
  const bare = (kind: ReviewKind) => (code: string) => ({ code, kind, field: '', old: '', new: '' });
  return [
    ...review.added.map(bare('added')),
    ...review.removed.map(bare('removed')),
    ...review.changes.map((change) => ({ code: change.code, kind: 'changed' as const, field: change.field, old: change.old, new: change.new })),
    ...review.mismatches.map((mismatch) => ({
      code: mismatch.code,
      kind: 'mismatch' as const,
      field: mismatch.field,
      old: mismatch.source,
      new: mismatch.other,
    })),
    ...review.missing.inSource.map(bare('missingInSource')),
    ...review.missing.inOther.map(bare('missingInOther')),
  ];
}

/** The review as rows: code, kind, field, old (or national), new (or provincial). */
export function reviewRows(review: CatalogueReview, words: CatalogueWords): string[][] {
  return reviewEntries(review).map((entry) => [entry.code, words.kinds[entry.kind], entry.field, entry.old, entry.new]);
}

export function reviewHeader(words: CatalogueWords): string[] {
  return [words.columns.code, words.columns.kind, words.columns.field, words.columns.old, words.columns.new];
}

/** The JSON of `catalogue diff --format json`; the field names are a contract. */
export function reviewJson(review: CatalogueReview): string {
  const stamp = (snapshot: CatalogueSnapshot | undefined) =>
    snapshot === undefined ? null : { snapshot: snapshot.id, completedAt: snapshot.completedAt?.toISOString() ?? null, items: snapshot.items };
  return JSON.stringify(
    {
      check: review.check,
      from: stamp(review.from),
      to: stamp(review.to),
      added: review.added,
      removed: review.removed,
      changes: review.changes,
      mismatches: review.mismatches,
      missing: review.missing,
    },
    null,
    2,
  );
}

/** RFC 4180, with a BOM so Excel opens Vietnamese text as UTF-8. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  const quote = (text: string) => (/[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return `\uFEFF${rows.map((row) => row.map(quote).join(',')).join('\r\n')}\r\n`;
}
