// `kind: catalogue`: a nightly crawl of a procedure catalogue (the national portal's public API),
// kept as snapshots and compared day over day and with a provincial export. Kept apart from
// schema.ts like the alerting block; the crawl's request templates and JSON paths are config, so a
// change of the portal's API is a config change.
import cron from 'node-cron';
import { z } from 'zod';
import { CheckName, HttpHeaders, HttpUrl, JsonPathText, PositiveDuration, SystemName } from './schema-primitives.ts';
import { compileWildcardPath } from './wildcard-path.ts';

const WildcardPathText = z
  .string()
  .describe('JSONPath subset with wildcards: $.a[*].b (a wildcard reads a set of values)')
  .transform((text, ctx) => {
    try {
      return compileWildcardPath(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const RequestBody = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .optional()
  .describe('Request body; an object is sent as JSON. "{{cursor}}" (list) and "{{id}}" (detail) are replaced in its strings');

const CatalogueRequest = {
  url: HttpUrl,
  method: z.enum(['GET', 'POST']).optional().describe('POST when a body is given, else GET'),
  headers: HttpHeaders.optional(),
  body: RequestBody,
};

export const CatalogueSourceInput = z.strictObject({
  list: z
    .strictObject({
      ...CatalogueRequest,
      items: JsonPathText.describe("JSON path of the page's items, e.g. $.data.items"),
      cursor: JsonPathText.describe('JSON path of the next cursor; empty or missing ends the crawl'),
      id: JsonPathText.optional().describe('JSON path, in an item, of the id the detail call takes'),
    })
    .describe('The cursor-paged list of procedures'),
  detail: z
    .strictObject({
      ...CatalogueRequest,
      record: JsonPathText.optional().describe('JSON path of the record in the answer; default the whole answer'),
    })
    .optional()
    .describe('Optional: one call per item, whose answer is the record'),
});

const Email = z.string().regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');

export const CatalogueCheckInput = z
  .strictObject({
    name: CheckName,
    system: SystemName,
    description: z.string().optional(),
    kind: z.literal('catalogue'),
    schedule: z
      .string()
      .min(1)
      .refine((text) => cron.validate(text), 'is not a cron expression (minute hour day month weekday), e.g. "0 1 * * *"')
      .describe("When to crawl: a cron expression in the daemon's time zone (Asia/Ho_Chi_Minh)"),
    rate: z.number().positive().optional().describe('Requests per second over the whole crawl (default 0.5)'),
    deadline: PositiveDuration.optional().describe('The whole crawl stops after this long and resumes on the next run (default 4h)'),
    timeout: PositiveDuration.optional().describe('One request (default 60s)'),
    retention: PositiveDuration.optional().describe('How long snapshots are kept (default 400d)'),
    source: CatalogueSourceInput,
    key: JsonPathText.describe('JSON path of the procedure code in the record, e.g. $.code'),
    fields: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a field name is letters, digits and "_"'), WildcardPathText)
      .describe('Field name → JSON path in the record (wildcards allowed)'),
    compareWith: z
      .strictObject({
        file: z.string().min(1).describe('A .csv or .xlsx file, relative to the config file'),
        sheet: z.string().min(1).optional().describe('.xlsx: the worksheet (default the first)'),
        delimiter: z.string().length(1).optional().describe('.csv: the column separator (default ",")'),
        columns: z.record(z.string(), z.string().min(1)).describe('key and field names → column headers'),
      })
      .optional()
      .describe('A provincial export compared with the newest snapshot'),
    link: z
      .string()
      .regex(/\{\{code\}\}/, 'must hold {{code}}, where the procedure code goes')
      .refine((text) => /^https?:\/\/[^/]/i.test(text), 'must be an http:// or https:// URL')
      .optional()
      .describe('The page of a procedure on the portal, for links on the status page: a URL with {{code}}'),
    notify: z
      .strictObject({ to: z.array(Email).min(1), cc: z.array(Email).optional() })
      .optional()
      .describe('Who gets the change mail'),
  })
  .superRefine((check, ctx) => {
    if (Object.keys(check.fields).length === 0) ctx.addIssue({ code: 'custom', path: ['fields'], message: 'needs at least one field to compare' });
    if (check.source.detail !== undefined && check.source.list.id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['source', 'list'], message: 'missing "id": the JSON path, in an item, of the id the detail call takes' });
    }
    const columns = check.compareWith?.columns;
    if (columns === undefined) return;
    if (columns.key === undefined)
      ctx.addIssue({ code: 'custom', path: ['compareWith', 'columns'], message: 'missing "key": the column holding the procedure code' });
    for (const name of Object.keys(columns)) {
      if (name !== 'key' && !(name in check.fields)) {
        ctx.addIssue({
          code: 'custom',
          path: ['compareWith', 'columns', name],
          message: `"${name}" is not under fields: (${Object.keys(check.fields).join(', ')})`,
        });
      }
    }
  });

export type CatalogueCheckInput = z.output<typeof CatalogueCheckInput>;
