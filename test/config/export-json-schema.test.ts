import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../src/probes/registry.ts';
import { buildJsonSchema, exportJsonSchema, JSON_SCHEMA_FILE } from '../../src/config/export-json-schema.ts';

describe('buildJsonSchema', () => {
  it('matches the committed config/schema.json (run `npm run schema` after changing schema.ts)', () => {
    expect(readFileSync(JSON_SCHEMA_FILE, 'utf8')).toBe(buildJsonSchema());
  });

  it('describes what a user writes: durations and sizes as text, unknown keys refused, every kind', () => {
    const schema = JSON.parse(buildJsonSchema());
    expect(schema.title).toBe('dvc-sentinel config');
    expect(schema.required).toEqual(['checks']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.defaults.properties.interval.type).toBe('string');
    expect(schema.properties.defaults.properties.maxBodyBytes.anyOf.map((option: { type: string }) => option.type)).toEqual(['integer', 'string']);
    const kinds = schema.properties.checks.items.oneOf.map((option: { properties: { kind: { const: string } } }) => option.properties.kind.const);
    // A catalogue check is crawled on its cron (src/catalogue), so it has no probe in KINDS.
    expect([...kinds].sort()).toEqual([...KINDS, 'catalogue'].sort());
  });

  it('writes the file it builds', () => {
    const directory = mkdtempSync(join(tmpdir(), 'sentinel-schema-'));
    try {
      const file = join(directory, 'schema.json');
      exportJsonSchema(file);
      expect(readFileSync(file, 'utf8')).toBe(buildJsonSchema());
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
