// A catalogue check with its defaults applied: what the crawler, the diff and the commands read.
import { dirname, resolve } from 'node:path';
import type { CatalogueCheckInput } from './catalogue-schema.ts';
import type { JsonPath } from './json-path.ts';
import type { WildcardPath } from './wildcard-path.ts';

export const CATALOGUE_DEFAULTS = {
  rate: 0.5,
  deadlineSeconds: 4 * 3600,
  timeoutSeconds: 60,
  retentionSeconds: 400 * 86400,
  // The portal's firewall lets browsers through; a bare client name looks like a robot.
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 dvc-sentinel',
} as const;

export interface CatalogueRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  /** Names lower-cased; a JSON body adds content-type. */
  readonly headers: Readonly<Record<string, string>>;
  /** A template: strings holding "{{cursor}}" or "{{id}}" are filled in per request. */
  readonly body?: unknown;
}

export interface CatalogueCheck {
  readonly kind: 'catalogue';
  readonly name: string;
  readonly system: string;
  readonly description?: string;
  readonly schedule: string;
  readonly rate: number;
  readonly deadlineSeconds: number;
  readonly timeoutSeconds: number;
  readonly retentionSeconds: number;
  readonly list: CatalogueRequest & { readonly items: JsonPath; readonly cursor: JsonPath; readonly id?: JsonPath };
  readonly detail?: CatalogueRequest & { readonly record?: JsonPath };
  readonly key: JsonPath;
  /** In file order. */
  readonly fields: Readonly<Record<string, WildcardPath>>;
  readonly compareWith?: {
    /** Absolute. */
    readonly file: string;
    readonly sheet?: string;
    readonly delimiter: string;
    readonly columns: Readonly<Record<string, string>>;
  };
  /** A URL template with {{code}}: the procedure's page on the portal. */
  readonly link?: string;
  readonly notify?: { readonly to: readonly string[]; readonly cc: readonly string[] };
}

export function resolveCatalogueCheck(input: CatalogueCheckInput, configFile: string, userAgent: string | undefined): CatalogueCheck {
  const request = (spec: { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: unknown }): CatalogueRequest => {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(spec.headers ?? {})) headers[key.toLowerCase()] = value;
    if (spec.body !== undefined && typeof spec.body !== 'string') headers['content-type'] ??= 'application/json';
    headers['user-agent'] ??= userAgent ?? CATALOGUE_DEFAULTS.userAgent;
    headers.accept ??= 'application/json, text/plain, */*';
    return { url: spec.url, method: spec.method ?? (spec.body === undefined ? 'GET' : 'POST'), headers, body: spec.body };
  };
  const { list, detail } = input.source;
  return {
    kind: 'catalogue',
    name: input.name,
    system: input.system,
    description: input.description,
    schedule: input.schedule,
    rate: input.rate ?? CATALOGUE_DEFAULTS.rate,
    deadlineSeconds: input.deadline ?? CATALOGUE_DEFAULTS.deadlineSeconds,
    timeoutSeconds: input.timeout ?? CATALOGUE_DEFAULTS.timeoutSeconds,
    retentionSeconds: input.retention ?? CATALOGUE_DEFAULTS.retentionSeconds,
    list: { ...request(list), items: list.items, cursor: list.cursor, id: list.id },
    detail: detail === undefined ? undefined : { ...request(detail), record: detail.record },
    key: input.key,
    fields: input.fields,
    compareWith:
      input.compareWith === undefined
        ? undefined
        : {
            file: resolve(dirname(configFile), input.compareWith.file),
            sheet: input.compareWith.sheet,
            delimiter: input.compareWith.delimiter ?? ',',
            columns: input.compareWith.columns,
          },
    link: input.link,
    notify: input.notify === undefined ? undefined : { to: input.notify.to, cc: input.notify.cc ?? [] },
  };
}
