// Certificates for the simulator's HTTPS origin, made with the openssl CLI: a CA (kept between
// runs while it has time left, so a daemon already trusting it keeps trusting it), a healthy
// server certificate and one that expires in a few days for the cert-expiring scenario. The CA
// PEM is written where the demo config's caFile points (data/sim/ca.pem by default).
import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TlsIdentity } from './serve-handlers.ts';

const run = promisify(execFile);

export const DEFAULT_CERT_DIR = 'data/sim';
export const HEALTHY_CERT_DAYS = 90;
export const EXPIRING_CERT_DAYS = 5;
const CA_DAYS = 3650;
/** A CA closer to its end than this is replaced rather than reused. */
const CA_REUSE_MIN_DAYS = 30;

/** Names the server certificates are valid for. */
export const SERVER_NAMES = { dns: ['dichvucong.sim', 'localhost'], ip: ['127.0.0.1', '::1'] } as const;

export interface SimCertificates {
  /** Absolute path of the CA PEM to trust (caFile). */
  readonly caFile: string;
  readonly ca: string;
  readonly healthy: TlsIdentity;
  readonly expiring: TlsIdentity;
}

/** Creates (or reuses) the CA and creates both server certificates in dir. */
export async function createSimCertificates(dir: string = DEFAULT_CERT_DIR): Promise<SimCertificates> {
  const absolute = path.resolve(dir);
  await mkdir(absolute, { recursive: true });
  const file = (name: string) => path.join(absolute, name);
  await writeFile(file('openssl.cnf'), OPENSSL_CONFIG);

  if (!(await hasUsableCa(file('ca.pem'), file('ca-key.pem')))) {
    await openssl([
      'req',
      '-x509',
      '-config',
      file('openssl.cnf'),
      '-extensions',
      'ca_ext',
      '-subj',
      '/O=dvc-sentinel simulator/CN=dvc-sentinel simulator CA',
      ...NEW_EC_KEY,
      '-keyout',
      file('ca-key.pem'),
      '-out',
      file('ca.pem'),
      '-days',
      String(CA_DAYS),
    ]);
  }
  const healthy = await issueServerCertificate(file, 'server', HEALTHY_CERT_DAYS);
  const expiring = await issueServerCertificate(file, 'expiring', EXPIRING_CERT_DAYS);
  return { caFile: file('ca.pem'), ca: await readFile(file('ca.pem'), 'utf8'), healthy, expiring };
}

const NEW_EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = dichvucong.sim
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = ${[...SERVER_NAMES.dns.map((name) => `DNS:${name}`), ...SERVER_NAMES.ip.map((ip) => `IP:${ip}`)].join(', ')}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

async function issueServerCertificate(file: (name: string) => string, name: string, days: number): Promise<TlsIdentity> {
  await openssl([
    'req',
    '-new',
    '-config',
    file('openssl.cnf'),
    '-subj',
    '/O=dvc-sentinel simulator/CN=dichvucong.sim',
    ...NEW_EC_KEY,
    '-keyout',
    file(`${name}-key.pem`),
    '-out',
    file(`${name}.csr`),
  ]);
  await openssl([
    'x509',
    '-req',
    '-in',
    file(`${name}.csr`),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca-key.pem'),
    '-set_serial',
    `0x${randomBytes(12).toString('hex')}`,
    '-days',
    String(days),
    '-extfile',
    file('openssl.cnf'),
    '-extensions',
    'server_ext',
    '-out',
    file(`${name}.pem`),
  ]);
  const [key, cert] = await Promise.all([readFile(file(`${name}-key.pem`), 'utf8'), readFile(file(`${name}.pem`), 'utf8')]);
  return { key, cert };
}

async function hasUsableCa(certFile: string, keyFile: string): Promise<boolean> {
  try {
    const [pem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    const daysLeft = (new Date(new X509Certificate(pem).validTo).getTime() - Date.now()) / 86_400_000;
    return daysLeft >= CA_REUSE_MIN_DAYS;
  } catch {
    return false;
  }
}

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run('openssl', [...args], { timeout: 30_000 });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`openssl ${args[0]} failed while making simulator certificates: ${stderr || (error as Error).message}`, { cause: error });
  }
}
