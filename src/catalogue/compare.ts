// The newest snapshot against a provincial export: codes only on one side, and fields that differ
// after the formatting tolerances (tolerance.ts). Pure.
import type { CatalogueRecord } from '../store/store.ts';
import { joinValues } from './diff.ts';
import type { ExportRow } from './read-export.ts';
import { sameValues } from './tolerance.ts';

export interface CatalogueMismatch {
  readonly code: string;
  readonly field: string;
  /** The national (source) values, joined with "; ". */
  readonly source: string;
  /** The export's cell values, joined with "; ". */
  readonly other: string;
}

export interface CatalogueComparison {
  readonly mismatches: CatalogueMismatch[];
  /** inSource: codes only in the export (missing from the source); inOther: codes only in the source. */
  readonly missing: { readonly inSource: string[]; readonly inOther: string[] };
}

export function compareWithExport(source: Iterable<CatalogueRecord>, other: readonly ExportRow[]): CatalogueComparison {
  const rows = new Map(other.map((row) => [row.code, row]));
  const mismatches: CatalogueMismatch[] = [];
  const inOther: string[] = [];
  for (const record of source) {
    const row = rows.get(record.code);
    rows.delete(record.code);
    if (row === undefined) {
      inOther.push(record.code);
      continue;
    }
    for (const [field, values] of Object.entries(row.fields)) {
      const national = record.fields[field] ?? [];
      if (!sameValues(national, values)) mismatches.push({ code: record.code, field, source: joinValues(national), other: joinValues(values) });
    }
  }
  return { mismatches, missing: { inSource: [...rows.keys()].sort(), inOther: inOther.sort() } };
}
