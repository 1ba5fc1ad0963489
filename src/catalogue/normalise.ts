// One procedure as the catalogue compares it: the code, and each configured field's values as a
// sorted set of strings. Only the configured fields are read, so volatile fields (view counts,
// update stamps) never enter a record; embedded images are dropped wherever they sit.
import { createHash } from 'node:crypto';
import type { CatalogueCheck } from '../config/catalogue-config.ts';
import { readJsonPath } from '../config/json-path.ts';
import { readWildcardPath } from '../config/wildcard-path.ts';
import type { CatalogueRecord } from '../store/store.ts';

/** A data: URI, or a long run of base64 (an image pasted into a rich-text field). */
const IMAGE = /^data:[a-z]+\/[a-z0-9.+-]+;base64,|^[A-Za-z0-9+/=\s]{2000,}$/i;
const IMAGE_INSIDE = /data:image\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]+/gi;

/** The record, or undefined when it has no code (the caller logs and skips it). */
export function normaliseRecord(check: CatalogueCheck, document: unknown, id: string | undefined): CatalogueRecord | undefined {
  const code = textOf(readJsonPath(check.key, document));
  if (code === undefined || code === '') return undefined;
  const fields: Record<string, string[]> = {};
  for (const [name, path] of Object.entries(check.fields)) {
    const values = readWildcardPath(path, document)
      .map(textOf)
      .filter((value): value is string => value !== undefined && value !== '');
    fields[name] = [...new Set(values)].sort();
  }
  return { code, id, fields };
}

/** Same record, same hash: the store keeps a new version only when this changes. */
export function hashRecord(record: CatalogueRecord): string {
  return createHash('sha256')
    .update(JSON.stringify([record.code, record.id ?? null, Object.entries(record.fields)]))
    .digest('base64url');
}

function textOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return IMAGE.test(value) ? undefined : value.replace(IMAGE_INSIDE, '').replace(/\s+/g, ' ').trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(withoutImages(value));
}

function withoutImages(value: unknown): unknown {
  if (typeof value === 'string') return IMAGE.test(value) ? undefined : value.replace(IMAGE_INSIDE, '');
  if (Array.isArray(value)) return value.map(withoutImages).filter((item) => item !== undefined);
  if (value !== null && typeof value === 'object') {
    const kept: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = withoutImages((value as Record<string, unknown>)[key]);
      if (item !== undefined) kept[key] = item;
    }
    return kept;
  }
  return value;
}
