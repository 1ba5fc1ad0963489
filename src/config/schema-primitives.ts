// Building blocks shared by every part of the config schema: durations, sizes, JSON paths, names.
import { z } from 'zod';
import { compileJsonPath } from './json-path.ts';
import { parseBytes, parseDuration } from './units.ts';

export const Duration = z
  .string()
  .describe('A duration with a unit: ms, s, m, h, d (e.g. "30s", "1m30s", "250ms")')
  .transform((text, ctx) => {
    const seconds = parseDuration(text);
    if (seconds === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration; write a number with a unit: ms, s, m, h, d (e.g. 30s)` });
      return z.NEVER;
    }
    return seconds;
  });

export const PositiveDuration = Duration.refine((seconds) => seconds > 0, { message: 'must be longer than 0' });

export const Bytes = z
  .union([z.number().int().nonnegative(), z.string()])
  .describe('A size in bytes, or with a unit: B, KB, MB, KiB, MiB (e.g. "1MiB")')
  .transform((text, ctx) => {
    const bytes = parseBytes(text);
    if (bytes === undefined || bytes <= 0) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a size; write e.g. 512KiB or 1MiB` });
      return z.NEVER;
    }
    return bytes;
  });

export const JsonPathText = z
  .string()
  .describe('JSONPath subset: $.a.b[0].c')
  .transform((text, ctx) => {
    try {
      return compileJsonPath(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/**
 * Credentials written into a URL ("user:password@host") are never sent: undici sends no
 * Authorization for them, so a Basic-auth endpoint would show a false 401 outage, and the password
 * would be shown wherever the URL is. The message never repeats them.
 */
export const URL_CREDENTIALS_MESSAGE =
  'holds a user name or password before "@"; they are never sent and would be shown wherever the URL is: ' +
  'use auth: { type: basic, username, password: "${…}" } or headers: { authorization: "${…}" }';

/** Whether an http(s) URL (or its written start, before any template) carries "user[:password]@". */
export function hasUrlCredentials(text: string): boolean {
  return /^https?:\/\/[^/?#]*@/i.test(text);
}

/** An absolute http:// or https:// URL with a host, and no credentials in it. */
export const HttpUrl = z.string().superRefine((text, ctx) => {
  // The URL parser silently drops tabs and line breaks; a URL holding one is a paste gone wrong.
  if (/[\s\u0000-\u001f\u007f]/.test(text)) ctx.addIssue({ code: 'custom', message: 'must not contain spaces, tabs, line breaks or control characters' });
  else if (!/^https?:\/\/[^/]/i.test(text) || !URL.canParse(text)) ctx.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL' });
  else if (hasUrlCredentials(text)) ctx.addIssue({ code: 'custom', message: URL_CREDENTIALS_MESSAGE });
});

export const CheckName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9 and "-", starting with a letter or digit');

/** A free label such as national-portal, quantricong, provincial, sync; bounded, so safe as a metric label. */
export const SystemName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, "-" and "_"');

/**
 * Request headers: names are HTTP tokens and values hold no line break or control character (a
 * value with one would fail every request, or smuggle a second header). Values may be secrets.
 */
export const HttpHeaders = z.record(
  z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a header name is letters, digits and -, with no spaces or ":"'),
  z.string().refine((value) => !/[\r\n\u0000-\u0008\u000a-\u001f\u007f]/.test(value), 'a header value must not contain line breaks or control characters'),
);
