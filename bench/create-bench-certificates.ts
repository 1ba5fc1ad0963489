// A CA and a server certificate for 127.0.0.1 (IP SAN), both RSA-2048 like most public portals,
// and a self-signed server certificate for the same address, written as PEM files to a temp dir
// that goes away with the benchmark. Every prober trusts the CA (or the self-signed certificate
// itself) from its file, so each HTTPS probe does a full, really verified handshake.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeOnExit } from './process-cleanup.ts';

const run = promisify(execFile);

export interface BenchCertificates {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** A leaf signed by its own key: the target serves it alone and the probers trust it as its own CA file. */
  readonly selfSignedCertFile: string;
  readonly selfSignedKeyFile: string;
}

/** ca: a leaf issued by the bench CA (tls.caFile is the CA); self-signed: tls.caFile is the leaf itself. */
export type CertificateKind = 'ca' | 'self-signed';

/** What a target serves and what a prober trusts for one kind of certificate. */
export function certificateFiles(certificates: BenchCertificates, kind: CertificateKind): { certFile: string; keyFile: string; caFile: string } {
  return kind === 'ca'
    ? { certFile: certificates.certFile, keyFile: certificates.keyFile, caFile: certificates.caFile }
    : { certFile: certificates.selfSignedCertFile, keyFile: certificates.selfSignedKeyFile, caFile: certificates.selfSignedCertFile };
}

export async function createBenchCertificates(): Promise<BenchCertificates> {
  const dir = mkdtempSync(join(tmpdir(), 'dvc-bench-cert-'));
  removeOnExit(dir);
  const file = (name: string) => join(dir, name);
  writeFileSync(
    file('ca.cnf'),
    [
      '[req]',
      'distinguished_name = dn',
      '[dn]',
      '[ca]',
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier = hash',
      '[leaf]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = IP:127.0.0.1',
      'authorityKeyIdentifier = keyid',
      '[self]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = IP:127.0.0.1',
      'subjectKeyIdentifier = hash',
      '',
    ].join('\n'),
  );
  try {
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '30',
      '-subj',
      '/CN=dvc-sentinel bench CA',
      '-config',
      file('ca.cnf'),
      '-extensions',
      'ca',
      '-keyout',
      file('ca-key.pem'),
      '-out',
      file('ca.pem'),
    ]);
    await run('openssl', [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-config',
      file('ca.cnf'),
      '-keyout',
      file('key.pem'),
      '-out',
      file('leaf.csr'),
    ]);
    await run('openssl', [
      'x509',
      '-req',
      '-sha256',
      '-days',
      '30',
      '-in',
      file('leaf.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca-key.pem'),
      '-set_serial',
      `0x${Date.now().toString(16)}`,
      '-extfile',
      file('ca.cnf'),
      '-extensions',
      'leaf',
      '-out',
      file('cert.pem'),
    ]);
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '30',
      '-subj',
      '/CN=127.0.0.1',
      '-config',
      file('ca.cnf'),
      '-extensions',
      'self',
      '-keyout',
      file('self-signed-key.pem'),
      '-out',
      file('self-signed.pem'),
    ]);
  } catch (error) {
    throw new Error(`could not make the benchmark certificates with the openssl CLI in ${dir}`, { cause: error });
  }
  return {
    caFile: file('ca.pem'),
    certFile: file('cert.pem'),
    keyFile: file('key.pem'),
    selfSignedCertFile: file('self-signed.pem'),
    selfSignedKeyFile: file('self-signed-key.pem'),
  };
}
