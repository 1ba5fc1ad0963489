// Host name → addresses, through an injected lookup (tests), a configured DNS server
// (cut-over checks against the new resolver) or the system resolver. Respects the deadline.
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import type { IpFamily, ResolverAddress } from '../config/config.ts';
import { raceAbort } from '../cancellation.ts';
import { probeMessage, type Lookup, type ProbeMessage } from './probe.ts';
import { ProbeFailure, timeoutFailure } from './probe-failure.ts';

export interface ResolveOptions {
  readonly family: IpFamily;
  readonly resolver?: ResolverAddress;
  readonly lookup?: Lookup;
  readonly signal: AbortSignal;
  /** The check's timeout, so a configured resolver retries until the deadline rather than giving up first. */
  readonly timeoutMs?: number;
}

/** Addresses for host, preferred family first; rejects with a ProbeFailure (dns or timeout). */
export async function resolveHost(host: string, options: ResolveOptions): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return [bare];
  if (options.signal.aborted) throw timeoutFailure(options.signal, 'dns');
  const family = options.family === 'any' ? 0 : options.family;
  let pending: Promise<string[]>;
  let cancel = (): void => {};
  if (options.lookup) {
    pending = options.lookup(bare, family).then((answers) => answers.map((answer) => answer.address));
  } else if (options.resolver) {
    const resolver = createResolver(options.timeoutMs ?? 10_000, options.resolver);
    cancel = () => resolver.cancel();
    pending = resolveWith(resolver, bare, family);
  } else {
    pending = dns.lookup(bare, { all: true, family, verbatim: true }).then((answers) => answers.map((answer) => answer.address));
  }
  try {
    const addresses = await raceAbort(pending, options.signal, () => timeoutFailure(options.signal, 'dns'), cancel);
    if (addresses.length === 0)
      throw new ProbeFailure('dns', `${bare} has no ${family === 6 ? 'IPv6' : family === 4 ? 'IPv4' : ''} address`.replace('  ', ' '), {
        phase: 'dns',
        detail: probeMessage('dns_no_address', family === 0 ? { host: bare } : { host: bare, family }),
      });
    return addresses;
  } catch (error) {
    if (error instanceof ProbeFailure) throw error;
    if (options.signal.aborted) throw timeoutFailure(options.signal, 'dns');
    throw new ProbeFailure('dns', describeDnsError(bare, error), { phase: 'dns', cause: error, detail: dnsFailureMessage(bare, error) });
  }
}

const MIN_TRY_MS = 100;
const MAX_TRY_MS = 1000;

/**
 * A c-ares resolver that keeps asking until the deadline: short tries retry a lost UDP packet
 * soon, and enough of them that c-ares never gives up first, so a silent server always ends as
 * timeout, not as a resolver error. Without `server`, it asks the system's name servers.
 */
export function createResolver(timeoutMs: number, server?: ResolverAddress): dns.Resolver {
  const tryMs = Math.max(MIN_TRY_MS, Math.min(MAX_TRY_MS, Math.floor(timeoutMs / 3)));
  const resolver = new dns.Resolver({ timeout: tryMs, tries: Math.ceil(timeoutMs / tryMs) + 1 });
  if (server) resolver.setServers([formatServer(server)]);
  return resolver;
}

export function formatServer(resolver: ResolverAddress): string {
  return isIP(resolver.host) === 6 ? `[${resolver.host}]:${resolver.port}` : `${resolver.host}:${resolver.port}`;
}

async function resolveWith(resolver: dns.Resolver, host: string, family: 0 | 4 | 6): Promise<string[]> {
  if (family === 4) return resolver.resolve4(host);
  if (family === 6) return resolver.resolve6(host);
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  const reasons = [v4, v6].flatMap((settled) => (settled.status === 'rejected' ? [settled.reason as unknown] : []));
  // "No record" on one family must not hide a real failure (SERVFAIL) on the other.
  if (addresses.length === 0 && reasons.length > 0) throw reasons.find((error) => (error as { code?: string }).code !== 'ENODATA') ?? reasons[0];
  return addresses;
}

/** The same failure as a code: the resolver's error code (ENOTFOUND, ESERVFAIL, …), or "unknown". */
export function dnsFailureMessage(host: string, error: unknown): ProbeMessage {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return probeMessage('dns_failed', { host, code: typeof code === 'string' && code !== '' ? code : 'unknown' });
}

/** "dichvucong.gov.vn: name not found (NXDOMAIN)" — the code, said plainly. */
export function describeDnsError(host: string, error: unknown): string {
  const code = (error as { code?: string } | null | undefined)?.code ?? '';
  const plain: Record<string, string> = {
    ENOTFOUND: 'name not found (NXDOMAIN)',
    ENODATA: 'no record of that type',
    ESERVFAIL: 'resolver failed (SERVFAIL)',
    EREFUSED: 'resolver refused the query',
    ETIMEOUT: 'resolver did not answer',
    ECONNREFUSED: 'resolver refused the connection',
    EAI_AGAIN: 'temporary resolver failure',
    ECANCELLED: 'query cancelled',
  };
  return `${host}: ${plain[code] ?? (code || String((error as Error | null | undefined)?.message ?? error))}`;
}
