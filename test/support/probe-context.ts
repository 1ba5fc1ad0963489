// What probe tests hand a probe: a deadline, the clock, a silent logger, and optionally a lookup
// that knows only the test's own names (anything else is NXDOMAIN, never a real query).
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import pino from 'pino';
import type { Lookup, ProbeContext } from '../../src/probes/probe.ts';

export function contextFor(timeoutMs: number, lookup?: Lookup): ProbeContext {
  return { signal: AbortSignal.timeout(timeoutMs), clock: () => new Date(), log: pino({ level: 'silent' }), ...(lookup ? { lookup } : {}) };
}

export function lookupFor(names: Record<string, string[]>): Lookup {
  return async (host) => {
    const addresses = names[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address): LookupAddress => ({ address, family: isIP(address) }));
  };
}
