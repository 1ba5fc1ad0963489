// Settings that are valid but likely to hurt: probing a government host more often than its
// firewall tolerates gets the prober blocked, which then looks like an outage.
import type { Check, Config } from './config.ts';
import type { PathKey } from './config-error.ts';
import type { PathIssue } from './translate-zod-issues.ts';
import { formatDuration } from './units.ts';

const POLITE_INTERVAL_SECONDS = 60;

export function findConfigWarnings(config: Config, has: (path: readonly PathKey[]) => boolean): PathIssue[] {
  return config.checks.flatMap((check, index) => {
    if (check.intervalSeconds >= POLITE_INTERVAL_SECONDS) return [];
    const host = requestedHosts(check).find((name) => name === 'gov.vn' || name.endsWith('.gov.vn'));
    if (host === undefined) return [];
    const path: PathKey[] = has(['checks', index, 'interval'])
      ? ['checks', index, 'interval']
      : has(['defaults', 'interval'])
        ? ['defaults', 'interval']
        : ['checks', index];
    return [
      {
        path,
        at: 'value' as const,
        message: `check "${check.name}" probes ${host} every ${formatDuration(check.intervalSeconds)}; the national portal throttles clients; probe at most about once a minute`,
      },
    ];
  });
}

/** Hosts a check sends HTTP requests to; a TLS handshake or DNS query alone does not trip the firewall. */
function requestedHosts(check: Check): string[] {
  const urls = check.kind === 'http' ? [check.url] : check.kind === 'sync' ? [check.source.url, check.target?.url] : [];
  return urls.flatMap((url) => (url === undefined ? [] : [new URL(url).hostname.toLowerCase()]));
}
