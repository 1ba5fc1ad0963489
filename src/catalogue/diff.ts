// Two snapshots → procedures added, removed, and changed field by field (old → new). Pure.
import type { CatalogueRecord } from '../store/store.ts';

export interface CatalogueChange {
  readonly code: string;
  /** The name under `fields:`. */
  readonly field: string;
  /** The field's values joined with "; " (a set, sorted). */
  readonly old: string;
  readonly new: string;
}

export interface CatalogueDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changes: CatalogueChange[];
}

/** `older` and `newer` are read once each; records are keyed by code. */
export function diffSnapshots(older: Iterable<CatalogueRecord>, newer: Iterable<CatalogueRecord>): CatalogueDiff {
  const before = new Map<string, CatalogueRecord>();
  for (const record of older) before.set(record.code, record);
  const added: string[] = [];
  const changes: CatalogueChange[] = [];
  for (const record of newer) {
    const previous = before.get(record.code);
    before.delete(record.code);
    if (previous === undefined) {
      added.push(record.code);
      continue;
    }
    const names = new Set([...Object.keys(previous.fields), ...Object.keys(record.fields)]);
    for (const field of names) {
      const old = joinValues(previous.fields[field]);
      const now = joinValues(record.fields[field]);
      if (old !== now) changes.push({ code: record.code, field, old, new: now });
    }
  }
  const removed = [...before.keys()];
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { added: added.sort(byCode), removed: removed.sort(byCode), changes: changes.sort((a, b) => byCode(a.code, b.code) || byCode(a.field, b.field)) };
}

export function joinValues(values: readonly string[] | undefined): string {
  return (values ?? []).join('; ');
}
