// The dns probe: one query of one record type through the check's resolver or the system's
// servers, then a pure judgement of the answer against expect.addresses (a subset rule, so
// extra records are fine and a moved record is not). Latency is judged by the caller.
import { promises as dns } from 'node:dns';
import { isIP, SocketAddress } from 'node:net';
import { raceAbort } from '../cancellation.ts';
import { monotonicMs, secondsSince } from '../clock.ts';
import type { DnsCheck, DnsRecordType } from '../config/config.ts';
import { shorten } from './format.ts';
import { probeMessage, type Probe, type ProbeContext, type ProbeResult } from './probe.ts';
import { failureFields, ProbeFailure, timeoutFailure } from './probe-failure.ts';
import { createResolver, describeDnsError, dnsFailureMessage, formatServer } from './resolve-host.ts';

/** What one query produced, before any expectation is applied. */
export type DnsMeasurement =
  | { readonly answer: readonly string[]; readonly querySeconds: number; readonly durationSeconds: number }
  | { readonly failure: ProbeFailure; readonly querySeconds?: number; readonly durationSeconds: number };

const MAX_LISTED_VALUES = 5;
const MAX_VALUE_CHARS = 60;

export const probeDns: Probe<DnsCheck> = async (check, context) => judgeDns(check, await measureDns(check, context));

/** Resolves even when the query fails; the failure is in the measurement. */
export async function measureDns(check: DnsCheck, context: ProbeContext): Promise<DnsMeasurement> {
  const startMs = monotonicMs();
  const seconds = (): number => secondsSince(startMs);
  const label = check.resolver ? `${check.host} ${check.recordType} via ${formatServer(check.resolver)}` : `${check.host} ${check.recordType}`;
  if (context.signal.aborted) return { failure: deadlineFailure(label, context.signal), durationSeconds: 0 };

  const { pending, cancel } = startQuery(check, context);
  try {
    const answer = await raceAbort(pending, context.signal, () => deadlineFailure(label, context.signal), cancel);
    const querySeconds = seconds();
    // c-ares reports an empty answer as ENODATA; an injected lookup may just return nothing.
    if (answer.length === 0)
      return {
        failure: new ProbeFailure('dns', `${label}: no record of that type`, {
          phase: 'dns',
          detail: probeMessage('dns_failed', { host: label, code: 'ENODATA' }),
        }),
        querySeconds,
        durationSeconds: querySeconds,
      };
    return { answer, querySeconds, durationSeconds: querySeconds };
  } catch (error) {
    if (error instanceof ProbeFailure) return { failure: error, durationSeconds: seconds() };
    if (context.signal.aborted) return { failure: deadlineFailure(label, context.signal), durationSeconds: seconds() };
    // Errors without a code are bugs, not answers from a resolver.
    if (typeof (error as { code?: unknown } | null)?.code !== 'string') throw error;
    const querySeconds = seconds();
    return {
      failure: new ProbeFailure('dns', describeDnsError(label, error), { phase: 'dns', cause: error, detail: dnsFailureMessage(label, error) }),
      querySeconds,
      durationSeconds: querySeconds,
    };
  }
}

/** Pure: the measurement and the check's expectation → the result. */
export function judgeDns(check: DnsCheck, measurement: DnsMeasurement): ProbeResult {
  const phases = measurement.querySeconds === undefined ? {} : { dns: measurement.querySeconds };
  if ('failure' in measurement) {
    return {
      status: 'critical',
      ...failureFields(measurement.failure),
      durationSeconds: measurement.durationSeconds,
      phases,
    };
  }
  const addresses = sortValues(measurement.answer.map((value) => displayValue(value, check.recordType)));
  const answered = new Set(addresses.map((value) => comparisonKey(value, check.recordType)));
  const missing = (check.expect.addresses ?? []).filter((value) => !answered.has(comparisonKey(value, check.recordType)));
  const base = { durationSeconds: measurement.durationSeconds, phases, dns: { addresses } };
  if (missing.length > 0) {
    const expected = sortValues(missing.map((value) => (check.recordType === 'TXT' ? value : value.trim())));
    const values = formatValues(addresses, check.recordType);
    const wanted = formatValues(expected, check.recordType);
    const message = `${check.host} ${check.recordType} answer ${values} lacks expected ${wanted}`;
    const detail = probeMessage('dns_lacks', { host: `${check.host} ${check.recordType}`, values, expected: wanted });
    return { ...base, status: 'critical', reason: 'assertion', message, detail };
  }
  const values = formatValues(addresses, check.recordType);
  return {
    ...base,
    status: 'ok',
    message: `${check.host} ${check.recordType} answer ${values}`,
    detail: probeMessage('dns_answer', { host: `${check.host} ${check.recordType}`, values }),
  };
}

/** IPv6 in RFC 5952 form ("2001:DB8:0::1" → "2001:db8::1"); anything else trimmed. */
export function canonicalAddress(value: string): string {
  const trimmed = value.trim();
  if (isIP(trimmed) !== 6) return trimmed;
  try {
    return new SocketAddress({ address: trimmed, family: 'ipv6' }).address;
  } catch {
    return trimmed.toLowerCase();
  }
}

function startQuery(check: DnsCheck, context: ProbeContext): { pending: Promise<string[]>; cancel: () => void } {
  const family = check.recordType === 'A' ? 4 : check.recordType === 'AAAA' ? 6 : undefined;
  // The injected lookup (tests) can only answer address questions; other types always query a server.
  const lookup = context.lookup;
  if (lookup && family !== undefined) {
    const addressesOf = async (): Promise<string[]> => (await lookup(check.host, family)).map((answer) => answer.address);
    return { pending: addressesOf(), cancel: () => {} };
  }
  const resolver = createResolver(check.timeoutSeconds * 1000, check.resolver);
  return { pending: queryRecords(resolver, check.host, check.recordType), cancel: () => resolver.cancel() };
}

async function queryRecords(resolver: dns.Resolver, host: string, type: DnsRecordType): Promise<string[]> {
  switch (type) {
    case 'A':
      return resolver.resolve4(host);
    case 'AAAA':
      return resolver.resolve6(host);
    case 'CNAME':
      return resolver.resolveCname(host);
    case 'NS':
      return resolver.resolveNs(host);
    case 'MX':
      return (await resolver.resolveMx(host)).map((record) => record.exchange);
    case 'TXT':
      // A TXT record longer than 255 bytes arrives in pieces that mean one string.
      return (await resolver.resolveTxt(host)).map((pieces) => pieces.join(''));
  }
}

function deadlineFailure(label: string, signal: AbortSignal): ProbeFailure {
  const failure = timeoutFailure(signal, 'dns');
  return new ProbeFailure('timeout', `${label}: ${failure.message}`, {
    phase: 'dns',
    detail: failure.detail?.code === 'aborted' ? failure.detail : probeMessage('dns_timeout', { host: label }),
  });
}

function displayValue(value: string, type: DnsRecordType): string {
  return type === 'TXT' ? value : canonicalAddress(value);
}

/** Names compare without case or the root dot; addresses in canonical form; TXT exactly. */
function comparisonKey(value: string, type: DnsRecordType): string {
  if (type === 'TXT') return value;
  const canonical = canonicalAddress(value);
  return isIP(canonical) ? canonical : canonical.toLowerCase().replace(/\.$/, '');
}

const collator = new Intl.Collator('en', { numeric: true });

function sortValues(values: readonly string[]): string[] {
  return [...values].sort(collator.compare);
}

/** Sorted values, the first few, long ones cut; TXT quoted since it may hold commas and spaces. */
function formatValues(values: readonly string[], type: DnsRecordType): string {
  if (values.length === 0) return 'nothing';
  const shown = values.slice(0, MAX_LISTED_VALUES).map((value) => {
    const cut = shorten(value, MAX_VALUE_CHARS);
    return type === 'TXT' ? JSON.stringify(cut) : cut;
  });
  const more = values.length - shown.length;
  return more > 0 ? `${shown.join(', ')} (+${more} more)` : shown.join(', ');
}
