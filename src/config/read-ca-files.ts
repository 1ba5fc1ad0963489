// Reads every tls.caFile in every check (relative to the config file's directory) when the config
// loads, so a missing or wrong file is a config error at startup rather than a failed probe at 3 a.m.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PathKey } from './config-error.ts';
import type { CheckInput, ConfigInput } from './schema.ts';
import type { PathIssue } from './translate-zod-issues.ts';

export interface CaFiles {
  /** The input with every caFile made absolute. */
  readonly input: ConfigInput;
  /** The PEM text of an absolute caFile path, for resolveConfig. Throws for a path it never saw (a bug). */
  readonly readCa: (absolutePath: string) => string;
  readonly issues: readonly PathIssue[];
}

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

export function readCaFiles(input: ConfigInput, configDirectory: string): CaFiles {
  const contents = new Map<string, string>();
  const failed = new Set<string>();
  const issues: PathIssue[] = [];

  // A `tls:` block may sit on the check or deeper (a sync check's source and target).
  const rewrite = (value: unknown, path: readonly PathKey[]): unknown => {
    if (Array.isArray(value)) return value.map((item, index) => rewrite(item, [...path, index]));
    // Only plain objects are walked: a Date (a maintenance window's start) must stay a Date.
    if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) copy[key] = rewrite(child, [...path, key]);
    const tls = copy.tls as { caFile?: unknown } | undefined;
    if (tls !== null && typeof tls === 'object' && typeof tls.caFile === 'string') {
      const absolute = resolve(configDirectory, tls.caFile);
      if (!contents.has(absolute)) {
        const problem = readCertificate(absolute, contents);
        if (problem !== undefined) {
          failed.add(absolute);
          issues.push({ path: [...path, 'tls', 'caFile'], at: 'value', message: problem });
        }
      }
      copy.tls = { ...tls, caFile: absolute };
    }
    return copy;
  };

  const checks = input.checks.map((check, index) => rewrite(check, ['checks', index]) as CheckInput);
  // The SMTP server's own trust roots sit at alerting.email.smtp.tls.caFile.
  const alerting = input.alerting === undefined ? undefined : (rewrite(input.alerting, ['alerting']) as ConfigInput['alerting']);
  const readCa = (absolutePath: string): string => {
    const text = contents.get(absolutePath);
    if (text !== undefined) return text;
    // The load fails on the issue already recorded; resolveConfig only needs some text meanwhile.
    if (failed.has(absolutePath)) return '';
    throw new Error(`caFile ${absolutePath} was not read when the config loaded`);
  };
  return { input: { ...input, checks, ...(alerting === undefined ? {} : { alerting }) }, readCa, issues };
}

/** Stores the PEM text and returns undefined, or returns what is wrong with the file. */
function readCertificate(absolute: string, contents: Map<string, string>): string | undefined {
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return `cannot read CA file ${absolute} (${code})`;
  }
  if (!text.includes(PEM_CERTIFICATE)) return `CA file ${absolute} holds no PEM certificate (no "${PEM_CERTIFICATE}" line)`;
  try {
    new X509Certificate(text);
  } catch (error) {
    return `CA file ${absolute} holds a certificate that cannot be read: ${(error as Error).message}`;
  }
  contents.set(absolute, text);
  return undefined;
}
