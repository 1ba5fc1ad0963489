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

/** An absolute http:// or https:// URL with a host. */
export const HttpUrl = z.string().refine((text) => /^https?:\/\/[^/]/i.test(text) && URL.canParse(text), 'must be an http:// or https:// URL');

export const CheckName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9 and "-", starting with a letter or digit');

/** A free label such as national-portal, quantricong, provincial, sync; bounded, so safe as a metric label. */
export const SystemName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, "-" and "_"');
