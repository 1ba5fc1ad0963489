// Reads a peer certificate into CertificateInfo and judges it against a check's TLS policy.
// Pure: the connection layer records what the handshake saw, this decides what it means.
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { TlsPolicy } from '../config/config.ts';
import type { CertificateInfo, CertificateProblem } from './probe.ts';

const DAY_MS = 86_400_000;

/** The parts of a peer certificate the judgement reads; a plain object in table tests. */
export type PeerFacts = Pick<PeerCertificate, 'subject' | 'issuer' | 'subjectaltname' | 'valid_from' | 'valid_to'>;

export interface TlsFacts {
  /** Chain verification only (the name is checked here). */
  readonly authorized?: boolean;
  readonly authorizationError?: string;
  /** Absent = the server sent no certificate. */
  readonly peer?: PeerFacts;
}

export interface CertificateVerdict {
  readonly status: 'warning' | 'critical';
  readonly reason: 'tls';
  readonly message: string;
  /** The same problem as facts, for the surfaces that word it in their own locale. */
  readonly problem: CertificateProblem;
}

/** daysLeft is whole days, rounded down: 9.7 days left is 9; expired is negative. */
export function certificateInfo(peer: PeerFacts, now: Date): CertificateInfo {
  const expiresAt = new Date(peer.valid_to);
  return {
    expiresAt,
    daysLeft: Math.floor((expiresAt.getTime() - now.getTime()) / DAY_MS),
    subject: describeName(peer.subject),
    issuer: describeName(peer.issuer),
  };
}

/**
 * Undefined when the certificate is fine. Checks, first problem wins: validity dates, host name,
 * chain, then minDaysLeft (a warning). With verify off only minDaysLeft applies, and an already
 * expired certificate is then critical through it.
 */
export function judgeCertificate(policy: TlsPolicy, facts: TlsFacts, hostname: string, now: Date): CertificateVerdict | undefined {
  // The http probe asks twice per probe about the same handshake: before sending the request (a
  // refused certificate must not receive its headers) and when judging the answer.
  const known = verdicts.get(facts);
  if (known !== undefined && known.policy === policy && known.hostname === hostname && known.at === now.getTime()) return known.verdict;
  const verdict = judgeOnce(policy, facts, hostname, now);
  verdicts.set(facts, { policy, hostname, at: now.getTime(), verdict });
  return verdict;
}

const verdicts = new WeakMap<
  TlsFacts,
  { readonly policy: TlsPolicy; readonly hostname: string; readonly at: number; readonly verdict: CertificateVerdict | undefined }
>();

function judgeOnce(policy: TlsPolicy, facts: TlsFacts, hostname: string, now: Date): CertificateVerdict | undefined {
  const peer = facts.peer;
  if (!peer) {
    return policy.verify || policy.minDaysLeft !== undefined ? critical('the server sent no certificate', { kind: 'missing' }) : undefined;
  }
  const notBefore = new Date(peer.valid_from);
  const notAfter = new Date(peer.valid_to);
  const expired = now.getTime() > notAfter.getTime();
  if (policy.verify) {
    if (expired) return expiredVerdict(notAfter, now);
    if (now.getTime() < notBefore.getTime()) {
      const away = notBefore.getTime() - now.getTime();
      return critical(`certificate is not valid yet: notBefore ${formatDay(notBefore)} is ${describeDays(away)} away`, {
        kind: 'not_yet_valid',
        daysAway: Math.floor(away / DAY_MS),
        notBefore: formatDay(notBefore),
      });
    }
    const mismatch = checkServerIdentity(hostname.replace(/^\[|\]$/g, ''), peer as PeerCertificate);
    if (mismatch) return critical(`certificate is for ${listNames(peer)}, not ${hostname}`, { kind: 'wrong_name', names: listNames(peer), hostname });
    if (facts.authorized !== true) {
      const code = facts.authorizationError;
      return critical(describeChainProblem(code), code === undefined ? { kind: 'untrusted' } : { kind: 'untrusted', code });
    }
  }
  if (policy.minDaysLeft !== undefined) {
    if (expired) return expiredVerdict(notAfter, now);
    const daysLeft = certificateInfo(peer, now).daysLeft;
    if (daysLeft < policy.minDaysLeft) {
      return {
        status: 'warning',
        reason: 'tls',
        message: `certificate expires in ${daysLeft === 0 ? 'less than a day' : plural(daysLeft, 'day')} (notAfter ${formatDay(notAfter)}, minDaysLeft ${policy.minDaysLeft})`,
        problem: { kind: 'expiring', daysLeft, notAfter: formatDay(notAfter), minDaysLeft: policy.minDaysLeft },
      };
    }
  }
  return undefined;
}

function critical(message: string, problem: CertificateProblem): CertificateVerdict {
  return { status: 'critical', reason: 'tls', message, problem };
}

function expiredVerdict(notAfter: Date, now: Date): CertificateVerdict {
  const ago = now.getTime() - notAfter.getTime();
  return critical(`certificate expired ${describeDays(ago)} ago (notAfter ${formatDay(notAfter)})`, {
    kind: 'expired',
    daysAgo: Math.floor(ago / DAY_MS),
    notAfter: formatDay(notAfter),
  });
}

const MISSING_ISSUER = ' — the server may be missing an intermediate, or the issuing CA needs tls.caFile';
const CHAIN_PROBLEMS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate is self-signed and not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); trust it with tls.caFile or set tls.verify: false',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate chain ends in a self-signed root that is not trusted (SELF_SIGNED_CERT_IN_CHAIN)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: `certificate chain not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)${MISSING_ISSUER}`,
  UNABLE_TO_GET_ISSUER_CERT: `certificate chain not trusted (UNABLE_TO_GET_ISSUER_CERT)${MISSING_ISSUER}`,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: `certificate chain not trusted (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)${MISSING_ISSUER}`,
  // Our own date check passed for the leaf, so the dates OpenSSL objects to are higher up.
  CERT_HAS_EXPIRED: 'a certificate in the chain has expired (CERT_HAS_EXPIRED)',
  CERT_NOT_YET_VALID: 'a certificate in the chain is not valid yet (CERT_NOT_YET_VALID)',
  CERT_REVOKED: 'certificate has been revoked (CERT_REVOKED)',
};

function describeChainProblem(code: string | undefined): string {
  if (code === undefined) return 'certificate chain not trusted';
  return CHAIN_PROBLEMS[code] ?? `certificate chain not trusted (${code})`;
}

/** "CN=a.example, O=Example" from Node's parsed name object. */
function describeName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

/** The names a certificate covers: its SANs, or its CN when it has none. At most three. */
function listNames(peer: PeerFacts): string {
  const names = (peer.subjectaltname ?? '')
    .split(', ')
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''))
    .filter((entry) => entry !== '');
  const commonName = peer.subject?.CN;
  if (names.length === 0 && commonName !== undefined) names.push(Array.isArray(commonName) ? commonName.join('+') : commonName);
  if (names.length === 0) return 'no name';
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}

function describeDays(ms: number): string {
  return ms < DAY_MS ? 'less than a day' : plural(Math.floor(ms / DAY_MS), 'day');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function formatDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
