// Rules that span several fields and so cannot live in the zod schema: unique names, timeout
// within interval (after defaults), tls options only on https, warn below critical, DNS answers of
// the record's family. Pure: reads the validated input and the resolved config.
import { isIPv4, isIPv6 } from 'node:net';
import type { Config } from './config.ts';
import type { PathKey } from './config-error.ts';
import type { ConfigInput } from './schema.ts';
import type { PathIssue } from './translate-zod-issues.ts';
import { formatDuration } from './units.ts';

export interface CrossFieldContext {
  readonly input: ConfigInput;
  readonly config: Config;
  /** Whether the file spells out this path (rather than it coming from defaults). */
  readonly has: (path: readonly PathKey[]) => boolean;
  readonly lineOf: (path: readonly PathKey[]) => number;
}

export function findCrossFieldIssues(context: CrossFieldContext): PathIssue[] {
  return [
    ...findDuplicateNames(context),
    ...findTimeoutsOverInterval(context),
    ...findTlsOnPlainHttp(context),
    ...findLatencyOrder(context),
    ...findDnsAddressFamilies(context),
  ];
}

function findDuplicateNames({ input, lineOf }: CrossFieldContext): PathIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: PathIssue[] = [];
  input.checks.forEach((check, index) => {
    const first = firstIndex.get(check.name);
    if (first === undefined) {
      firstIndex.set(check.name, index);
      return;
    }
    issues.push({
      path: ['checks', index, 'name'],
      at: 'value',
      message: `duplicate check name "${check.name}"; first used at line ${lineOf(['checks', first, 'name'])}`,
    });
  });
  return issues;
}

function findTimeoutsOverInterval({ config, has }: CrossFieldContext): PathIssue[] {
  const issues: PathIssue[] = [];
  const reported = new Set<string>();
  config.checks.forEach((check, index) => {
    if (check.timeoutSeconds <= check.intervalSeconds) return;
    const ownTimeout = has(['checks', index, 'timeout']);
    const ownInterval = has(['checks', index, 'interval']);
    const path: PathKey[] = ownTimeout
      ? ['checks', index, 'timeout']
      : ownInterval
        ? ['checks', index, 'interval']
        : has(['defaults', 'timeout'])
          ? ['defaults', 'timeout']
          : ['checks', index];
    const timeoutFrom = ownTimeout ? '' : ' (from defaults)';
    const intervalFrom = ownInterval ? '' : ' (from defaults)';
    const message = `timeout ${formatDuration(check.timeoutSeconds)}${timeoutFrom} is longer than interval ${formatDuration(check.intervalSeconds)}${intervalFrom}; a probe must end before the next one starts`;
    // Defaults that clash would otherwise be reported once per check, all at the same line.
    const key = `${path.join('.')}|${message}`;
    if (reported.has(key)) return;
    reported.add(key);
    issues.push({ path, at: 'value', message });
  });
  return issues;
}

function findTlsOnPlainHttp({ input }: CrossFieldContext): PathIssue[] {
  return input.checks.flatMap((check, index) =>
    check.kind === 'http' && check.tls !== undefined && /^http:/i.test(check.url)
      ? [{ path: ['checks', index, 'tls'], at: 'key' as const, message: `tls options apply only to https:// URLs, and ${check.url} is plain http` }]
      : [],
  );
}

function findLatencyOrder({ input }: CrossFieldContext): PathIssue[] {
  return input.checks.flatMap((check, index) => {
    const latency = check.kind === 'catalogue' ? undefined : check.expect?.latency;
    if (latency?.warn === undefined || latency.critical === undefined || latency.warn < latency.critical) return [];
    return [
      {
        path: ['checks', index, 'expect', 'latency', 'warn'],
        at: 'value' as const,
        message: `warn (${formatDuration(latency.warn)}) must be shorter than critical (${formatDuration(latency.critical)})`,
      },
    ];
  });
}

function findDnsAddressFamilies({ config }: CrossFieldContext): PathIssue[] {
  return config.checks.flatMap((check, index) => {
    if (check.kind !== 'dns' || (check.recordType !== 'A' && check.recordType !== 'AAAA')) return [];
    const wantV4 = check.recordType === 'A';
    return (check.expect.addresses ?? []).flatMap((address, position) =>
      (wantV4 ? isIPv4(address) : isIPv6(address))
        ? []
        : [
            {
              path: ['checks', index, 'expect', 'addresses', position],
              at: 'value' as const,
              message: `"${address}" is not an ${wantV4 ? 'IPv4' : 'IPv6'} address, which a recordType ${check.recordType} answer holds`,
            },
          ],
    );
  });
}
