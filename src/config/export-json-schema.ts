// Writes config/schema.json from the zod schema, so editors validate and complete monitor.yaml.
// Run after changing schema.ts: `npx tsx src/config/export-json-schema.ts` (a test fails until you do).
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigInput } from './schema.ts';

export const JSON_SCHEMA_FILE = fileURLToPath(new URL('../../config/schema.json', import.meta.url));

/** The JSON Schema of what a user writes (durations and sizes as text), serialized as committed. */
export function buildJsonSchema(): string {
  const schema = z.toJSONSchema(ConfigInput, { io: 'input' });
  const { $schema, ...rest } = schema;
  const document = {
    $schema,
    title: 'dvc-sentinel config',
    description: 'Checks dvc-sentinel runs against the national public service portal and provincial systems (config/monitor.yaml).',
    ...rest,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function exportJsonSchema(file = JSON_SCHEMA_FILE): void {
  writeFileSync(file, buildJsonSchema());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  exportJsonSchema();
  process.stdout.write(`wrote ${JSON_SCHEMA_FILE}\n`);
}
