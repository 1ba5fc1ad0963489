import { describe, expect, it } from 'vitest';
import type { TlsPolicy } from '../../src/config/config.ts';
import { certificateInfo, judgeCertificate, type TlsFacts } from '../../src/probes/certificate.ts';
import { describeProbeMessage } from '../../src/text/probe-message.ts';
import { createLeafCertificate, fakePeer } from '../support/certificates.ts';
import { X509Certificate } from 'node:crypto';

const NOW = new Date('2026-11-26T08:00:00Z');
const DAY_MS = 86_400_000;
const at = (days: number): Date => new Date(NOW.getTime() + days * DAY_MS);

const healthy = fakePeer({ names: ['portal.test', '*.portal.test', '127.0.0.1'], notBefore: at(-60), notAfter: at(30) });
const trustedFacts = (peer = healthy): TlsFacts => ({ authorized: true, peer });
const verify: TlsPolicy = { verify: true };
const noVerify: TlsPolicy = { verify: false };

describe('certificateInfo', () => {
  it('reads expiry, whole days left (rounded down), subject and issuer', () => {
    const info = certificateInfo(fakePeer({ names: ['portal.test'], notBefore: at(-1), notAfter: at(9.7) }), NOW);
    expect(info).toEqual({
      expiresAt: new Date(Math.floor(at(9.7).getTime() / 1000) * 1000),
      daysLeft: 9,
      subject: 'CN=portal.test',
      issuer: 'CN=dvc-sentinel test CA',
    });
  });

  it('gives negative days for an expired certificate', () => {
    expect(certificateInfo(fakePeer({ notBefore: at(-90), notAfter: at(-2.5) }), NOW).daysLeft).toBe(-3);
  });

  it('agrees with what OpenSSL wrote into a real certificate', async () => {
    const made = await createLeafCertificate({ names: ['portal.test'], notAfter: new Date('2027-01-15T10:20:30Z') });
    const parsed = new X509Certificate(made.certPem);
    const info = certificateInfo(fakePeer({ names: ['portal.test'], notBefore: made.notBefore, notAfter: made.notAfter }), NOW);
    expect(info.expiresAt.toISOString()).toBe('2027-01-15T10:20:30.000Z');
    expect(new Date(parsed.validTo).toISOString()).toBe(info.expiresAt.toISOString());
  });
});

describe('judgeCertificate', () => {
  it.each([
    ['a healthy certificate', verify, trustedFacts(), 'portal.test', undefined],
    ['a wildcard name', verify, trustedFacts(), 'api.portal.test', undefined],
    ['an IP SAN', verify, trustedFacts(), '127.0.0.1', undefined],
    ['a bracketed IPv6 host against its SAN', verify, trustedFacts(fakePeer({ names: ['::1'], notBefore: at(-1), notAfter: at(30) })), '[::1]', undefined],
    ['plenty of days left', { verify: true, minDaysLeft: 14 }, trustedFacts(), 'portal.test', undefined],
  ] as const)('accepts %s', (_, policy, facts, hostname, verdict) => {
    expect(judgeCertificate(policy, facts, hostname, NOW)).toBe(verdict);
  });

  it.each([
    [
      'expired',
      verify,
      trustedFacts(fakePeer({ names: ['portal.test'], notBefore: at(-90), notAfter: at(-3.2) })),
      'portal.test',
      'certificate expired 3 days ago (notAfter 2026-11-23)',
    ],
    [
      'expired an hour ago',
      verify,
      trustedFacts(fakePeer({ names: ['portal.test'], notBefore: at(-90), notAfter: at(-1 / 24) })),
      'portal.test',
      'certificate expired less than a day ago (notAfter 2026-11-26)',
    ],
    [
      'not valid yet',
      verify,
      trustedFacts(fakePeer({ names: ['portal.test'], notBefore: at(2.5), notAfter: at(90) })),
      'portal.test',
      'certificate is not valid yet: notBefore 2026-11-28 is 2 days away',
    ],
    ['for another host', verify, trustedFacts(), 'dichvucong.gov.vn', 'certificate is for portal.test, *.portal.test, 127.0.0.1, not dichvucong.gov.vn'],
    [
      'for another host, long SAN list',
      verify,
      trustedFacts(fakePeer({ names: ['a.test', 'b.test', 'c.test', 'd.test', 'e.test'], notBefore: at(-1), notAfter: at(30) })),
      'z.test',
      'certificate is for a.test, b.test, c.test and 2 more, not z.test',
    ],
    [
      'for another host, CN only',
      verify,
      trustedFacts(fakePeer({ commonName: 'old.test', notBefore: at(-1), notAfter: at(30) })),
      'new.test',
      'certificate is for old.test, not new.test',
    ],
    [
      'self-signed',
      verify,
      { authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', peer: healthy },
      'portal.test',
      'certificate is self-signed and not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); trust it with tls.caFile or set tls.verify: false',
    ],
    [
      'missing an intermediate',
      verify,
      { authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', peer: healthy },
      'portal.test',
      'certificate chain not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE) — the server may be missing an intermediate, or the issuing CA needs tls.caFile',
    ],
    [
      'signed by an untrusted root',
      verify,
      { authorized: false, authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN', peer: healthy },
      'portal.test',
      'certificate chain ends in a self-signed root that is not trusted (SELF_SIGNED_CERT_IN_CHAIN)',
    ],
    [
      'chained through an expired intermediate',
      verify,
      { authorized: false, authorizationError: 'CERT_HAS_EXPIRED', peer: healthy },
      'portal.test',
      'a certificate in the chain has expired (CERT_HAS_EXPIRED)',
    ],
    [
      'rejected for an unlisted reason',
      verify,
      { authorized: false, authorizationError: 'INVALID_PURPOSE', peer: healthy },
      'portal.test',
      'certificate chain not trusted (INVALID_PURPOSE)',
    ],
    ['absent', verify, { authorized: false }, 'portal.test', 'the server sent no certificate'],
    [
      'expired, verify off but minDaysLeft set',
      { verify: false, minDaysLeft: 7 },
      { authorized: false, authorizationError: 'CERT_HAS_EXPIRED', peer: fakePeer({ notBefore: at(-90), notAfter: at(-10.5) }) },
      'portal.test',
      'certificate expired 10 days ago (notAfter 2026-11-15)',
    ],
  ] as const)('fails critical when %s', (_, policy, facts, hostname, message) => {
    const verdict = judgeCertificate(policy, facts, hostname, NOW);
    expect(verdict).toMatchObject({ status: 'critical', reason: 'tls', message });
    // The same problem as facts, worded in Vietnamese for mails and the status page.
    const vietnamese = describeProbeMessage({ code: 'certificate', params: { host: hostname, problem: verdict!.problem } }, message, 'vi');
    expect(vietnamese).toMatch(/chứng chỉ/);
    expect(vietnamese).not.toMatch(/certificate|server/);
  });

  it('checks dates before the name, and the name before the chain', () => {
    const expiredElsewhere = fakePeer({ names: ['other.test'], notBefore: at(-90), notAfter: at(-5) });
    const verdict = judgeCertificate(
      verify,
      { authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', peer: expiredElsewhere },
      'portal.test',
      NOW,
    );
    expect(verdict?.message).toMatch(/^certificate expired/);
    const wrongAndUntrusted = judgeCertificate(
      verify,
      { authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', peer: fakePeer({ names: ['other.test'], notBefore: at(-1), notAfter: at(30) }) },
      'portal.test',
      NOW,
    );
    expect(wrongAndUntrusted?.message).toBe('certificate is for other.test, not portal.test');
  });

  it.each([
    [9.5, 'certificate expires in 9 days (notAfter 2026-12-05, minDaysLeft 14)'],
    [1.2, 'certificate expires in 1 day (notAfter 2026-11-27, minDaysLeft 14)'],
    [0.5, 'certificate expires in less than a day (notAfter 2026-11-26, minDaysLeft 14)'],
  ])('warns when %s days are left under minDaysLeft 14', (days, message) => {
    const peer = fakePeer({ names: ['portal.test'], notBefore: at(-60), notAfter: at(days) });
    const verdict = judgeCertificate({ verify: true, minDaysLeft: 14 }, trustedFacts(peer), 'portal.test', NOW);
    expect(verdict).toMatchObject({ status: 'warning', reason: 'tls', message, problem: { kind: 'expiring', daysLeft: Math.floor(days), minDaysLeft: 14 } });
  });

  it('ignores chain, name and dates when verify is off and no minDaysLeft is set', () => {
    const bad = fakePeer({ names: ['other.test'], notBefore: at(-90), notAfter: at(-5) });
    expect(judgeCertificate(noVerify, { authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', peer: bad }, 'portal.test', NOW)).toBeUndefined();
    expect(judgeCertificate(noVerify, { authorized: false }, 'portal.test', NOW)).toBeUndefined();
  });

  it('still warns on minDaysLeft when verify is off', () => {
    const selfSigned = fakePeer({ names: ['other.test'], notBefore: at(-1), notAfter: at(3.5) });
    const verdict = judgeCertificate(
      { verify: false, minDaysLeft: 14 },
      { authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', peer: selfSigned },
      'portal.test',
      NOW,
    );
    expect(verdict).toMatchObject({ status: 'warning', reason: 'tls', message: 'certificate expires in 3 days (notAfter 2026-11-29, minDaysLeft 14)' });
  });
});
