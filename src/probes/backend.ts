// Which server answered an http or tls check: read from the connection (address, certificate) and
// the response (recorded headers), judged against `expect.backend`, and compared with the last
// one seen. Pure apart from reading the peer certificate Node hands over.
import type { PeerCertificate } from 'node:tls';
import type { BackendPolicy } from '../config/config.ts';
import { clip } from './format.ts';
import { probeMessage, type BackendIdentity, type ProbeMessage } from './probe.ts';

/** The certificate fields that tell servers apart; a plain object in tests. */
export type PeerIdentity = Partial<Pick<PeerCertificate, 'fingerprint256' | 'serialNumber' | 'issuer'>>;

/** What the connection and (for http) the response headers say about the server that answered. */
export function observeBackend(
  address: string,
  peer: PeerIdentity | undefined,
  headers: Readonly<Record<string, string | string[] | undefined>> | undefined,
  policy: BackendPolicy | undefined,
): BackendIdentity {
  const recorded: Record<string, string> = {};
  for (const name of policy?.headers ?? []) {
    const value = headers?.[name];
    // Cut short: the value is kept in the state, shown in mails and compared on every probe. A
    // header the server did not send is recorded empty, so a server that stops sending it differs.
    recorded[name] = value === undefined ? '' : clip(Array.isArray(value) ? value.join(', ') : value, 200);
  }
  const issuer = peer?.issuer === undefined ? undefined : describeIssuer(peer.issuer);
  return {
    address,
    ...(peer?.fingerprint256 ? { fingerprint: peer.fingerprint256.toUpperCase() } : {}),
    ...(issuer ? { issuer } : {}),
    ...(peer?.serialNumber ? { serial: peer.serialNumber.toUpperCase() } : {}),
    ...(Object.keys(recorded).length > 0 ? { headers: recorded } : {}),
  };
}

/** "CN=R3, O=Let's Encrypt, C=US": the issuer's fields in the order the certificate gives them. */
function describeIssuer(issuer: PeerCertificate['issuer']): string {
  return Object.entries(issuer)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

export interface BackendVerdict {
  readonly message: string;
  readonly detail: ProbeMessage;
}

/**
 * The first part of the server that is not one the check allows, in this order: address,
 * fingerprint, issuer (contains, case-insensitive), headers (exact); undefined when all hold.
 */
export function judgeBackend(policy: BackendPolicy | undefined, backend: BackendIdentity, host: string): BackendVerdict | undefined {
  const expect = policy?.expect;
  if (expect === undefined) return undefined;
  const unexpected = (what: 'address' | 'fingerprint' | 'issuer' | 'header', value: string, allowed: readonly string[], name?: string): BackendVerdict => {
    const expected = clip(allowed.join(', '));
    const shown = clip(value);
    const label = what === 'header' ? `header ${name ?? ''}` : what;
    return {
      message: `unexpected server answering ${host}: ${label} is ${shown}, expected ${expected}`,
      detail: probeMessage('backend_unexpected', { host, what, ...(name === undefined ? {} : { name }), value: shown, expected }),
    };
  };
  if (expect.addresses !== undefined && !expect.addresses.includes(backend.address)) return unexpected('address', backend.address, expect.addresses);
  if (expect.fingerprints !== undefined && (backend.fingerprint === undefined || !expect.fingerprints.includes(backend.fingerprint))) {
    return unexpected('fingerprint', backend.fingerprint ?? 'none', expect.fingerprints);
  }
  if (expect.issuers !== undefined) {
    const issuer = backend.issuer?.toLowerCase();
    if (issuer === undefined || !expect.issuers.some((wanted) => issuer.includes(wanted.toLowerCase()))) {
      return unexpected('issuer', backend.issuer ?? 'none', expect.issuers);
    }
  }
  for (const [name, wanted] of Object.entries(expect.headers ?? {})) {
    const value = backend.headers?.[name] ?? '';
    if (value !== wanted) return unexpected('header', value === '' ? 'absent' : value, [wanted], name);
  }
  return undefined;
}

/**
 * Whether two observations name different servers; an absent one differs from nothing. Headers
 * count only where both recorded them: a reload that records another header is not a new server.
 */
export function backendChanged(previous: BackendIdentity | undefined, next: BackendIdentity | undefined): boolean {
  if (previous === undefined || next === undefined) return false;
  if (previous.address !== next.address || previous.fingerprint !== next.fingerprint || previous.issuer !== next.issuer || previous.serial !== next.serial) {
    return true;
  }
  const before = previous.headers ?? {};
  const after = next.headers ?? {};
  return Object.keys(after).some((name) => Object.hasOwn(before, name) && before[name] !== after[name]);
}

/** One line naming a server, for logs and the words of a change: address, certificate, headers. */
export function describeBackend(backend: BackendIdentity): string {
  const parts = [backend.address];
  if (backend.fingerprint !== undefined) parts.push(`sha256 ${backend.fingerprint}`);
  if (backend.issuer !== undefined) parts.push(`issuer ${backend.issuer}`);
  if (backend.serial !== undefined) parts.push(`serial ${backend.serial}`);
  for (const name of Object.keys(backend.headers ?? {}).sort()) parts.push(`${name}: ${backend.headers?.[name] || '—'}`);
  return parts.join(' · ');
}
