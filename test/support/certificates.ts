// Certificates made inside a test run: authorities, intermediates and leaves with chosen names
// and validity dates, as PEM text. Uses the openssl CLI (`openssl ca` is the one tool here that
// sets both notBefore and notAfter); @peculiar/x509 needs a Reflect polyfill that is not installed.
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PeerFacts } from '../../src/probes/certificate.ts';

const run = promisify(execFile);
const DAY_MS = 86_400_000;

export interface CertificateOptions {
  readonly commonName?: string;
  /** DNS names and IP addresses for subjectAltName; IPs are told apart by shape. */
  readonly names?: readonly string[];
  /** Default: one day ago. */
  readonly notBefore?: Date;
  /** Default: thirty days from now. */
  readonly notAfter?: Date;
  /** Absent = self-signed. */
  readonly issuer?: Authority;
}

export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface Authority extends IssuedCertificate {
  readonly commonName: string;
}

/** A CA (root when no issuer, intermediate otherwise). */
export async function createAuthority(options: Omit<CertificateOptions, 'names'> = {}): Promise<Authority> {
  const commonName = options.commonName ?? 'dvc-sentinel test CA';
  const issued = await issue({ ...options, commonName }, [
    'basicConstraints = critical,CA:TRUE',
    'keyUsage = critical,keyCertSign,cRLSign,digitalSignature',
    'subjectKeyIdentifier = hash',
    ...(options.issuer ? ['authorityKeyIdentifier = keyid'] : []),
  ]);
  return { ...issued, commonName };
}

/** A server certificate for the given names, signed by options.issuer or by itself. */
export async function createLeafCertificate(options: CertificateOptions = {}): Promise<IssuedCertificate> {
  const names = options.names ?? ['localhost', '127.0.0.1'];
  const alternativeNames = names.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
  return issue({ ...options, commonName: options.commonName ?? names[0] ?? 'localhost' }, [
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage = serverAuth',
    'subjectKeyIdentifier = hash',
    ...(options.issuer ? ['authorityKeyIdentifier = keyid'] : []),
    ...(alternativeNames ? [`subjectAltName = ${alternativeNames}`] : []),
  ]);
}

/** What Node's getPeerCertificate() would say about a certificate, for tests of pure judges. */
export function fakePeer(options: { names?: readonly string[]; commonName?: string; notBefore: Date; notAfter: Date }): PeerFacts {
  const names = options.names ?? [];
  return {
    subject: { CN: options.commonName ?? names[0] ?? 'localhost' },
    issuer: { CN: 'dvc-sentinel test CA' },
    ...(names.length > 0 ? { subjectaltname: names.map((name) => (isIP(name) ? `IP Address:${name}` : `DNS:${name}`)).join(', ') } : {}),
    // The same text form Node uses, e.g. "Jan  1 00:00:00 2030 GMT".
    valid_from: formatPeerDate(options.notBefore),
    valid_to: formatPeerDate(options.notAfter),
  };
}

function formatPeerDate(date: Date): string {
  const month = date.toUTCString().slice(8, 11);
  const day = String(date.getUTCDate()).padStart(2, ' ');
  return `${month} ${day} ${date.toISOString().slice(11, 19)} ${date.getUTCFullYear()} GMT`;
}

/** A date `days` from now (negative = in the past). */
export function daysFromNow(days: number, now = new Date()): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

async function issue(options: CertificateOptions & { commonName: string }, extensions: readonly string[]): Promise<IssuedCertificate> {
  // Whole seconds: certificates carry no fractions, and callers compare the dates they asked for.
  const notBefore = wholeSeconds(options.notBefore ?? daysFromNow(-1));
  const notAfter = wholeSeconds(options.notAfter ?? daysFromNow(30));
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const dir = await mkdtemp(join(tmpdir(), 'dvc-sentinel-cert-'));
  try {
    await writeFile(join(dir, 'key.pem'), keyPem);
    await writeFile(join(dir, 'index.txt'), '');
    await writeFile(join(dir, 'serial'), `${randomBytes(8).toString('hex').replace(/^./, '1')}\n`);
    await writeFile(
      join(dir, 'ca.cnf'),
      [
        '[ca]',
        'default_ca = test_ca',
        '[test_ca]',
        `database = ${join(dir, 'index.txt')}`,
        `new_certs_dir = ${dir}`,
        `serial = ${join(dir, 'serial')}`,
        'default_md = sha256',
        'policy = policy_any',
        'unique_subject = no',
        'copy_extensions = none',
        '[policy_any]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'ext.cnf'), ['[ext]', ...extensions, ''].join('\n'));
    await run('openssl', ['req', '-new', '-key', join(dir, 'key.pem'), '-subj', `/CN=${options.commonName}`, '-out', join(dir, 'req.csr')]);
    const signer = options.issuer
      ? ['-cert', join(dir, 'issuer.pem'), '-keyfile', join(dir, 'issuer-key.pem')]
      : ['-selfsign', '-keyfile', join(dir, 'key.pem')];
    if (options.issuer) {
      await writeFile(join(dir, 'issuer.pem'), options.issuer.certPem);
      await writeFile(join(dir, 'issuer-key.pem'), options.issuer.keyPem);
    }
    await run('openssl', [
      'ca',
      '-config',
      join(dir, 'ca.cnf'),
      '-batch',
      '-notext',
      ...signer,
      '-in',
      join(dir, 'req.csr'),
      '-out',
      join(dir, 'cert.pem'),
      '-startdate',
      opensslTime(notBefore),
      '-enddate',
      opensslTime(notAfter),
      '-extfile',
      join(dir, 'ext.cnf'),
      '-extensions',
      'ext',
    ]);
    const certPem = await readFile(join(dir, 'cert.pem'), 'utf8');
    return { certPem, keyPem, notBefore, notAfter };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** YYYYMMDDHHMMSSZ, the form `openssl ca -startdate/-enddate` reads. */
function opensslTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}
