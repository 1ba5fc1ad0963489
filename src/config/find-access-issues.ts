// Rules of `access:` and `server.tls` that zod cannot say: names unique across users and tokens
// (the audit log tells people apart by name), hashes in the one format the server verifies, and
// the TLS certificate and key readable now rather than when the server starts.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { absoluteFrom } from './access-config.ts';
import type { PathKey } from './config-error.ts';
import type { ConfigInput } from './schema.ts';
import type { PathIssue } from './translate-zod-issues.ts';

// scrypt$N$r$p$salt$hash with base64 salt and hash; the verifier (src/access/secret-hash.ts) reads the same.
const SECRET_HASH = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

export function findAccessIssues(input: ConfigInput, configFile: string): PathIssue[] {
  return [...findDuplicateNames(input), ...findBadHashes(input), ...findTlsFileIssues(input, configFile)];
}

function findDuplicateNames(input: ConfigInput): PathIssue[] {
  const issues: PathIssue[] = [];
  const seen = new Map<string, string>();
  const visit = (list: 'users' | 'tokens', entries: readonly { name: string }[] | undefined): void => {
    entries?.forEach((entry, index) => {
      const first = seen.get(entry.name);
      if (first !== undefined) issues.push({ path: ['access', list, index, 'name'], at: 'value', message: `duplicate name "${entry.name}" (also ${first})` });
      else seen.set(entry.name, `access.${list}[${index}]`);
    });
  };
  visit('users', input.access?.users);
  visit('tokens', input.access?.tokens);
  return issues;
}

function findBadHashes(input: ConfigInput): PathIssue[] {
  const issues: PathIssue[] = [];
  const check = (path: PathKey[], text: string): void => {
    const problem = hashProblem(text);
    // The message never quotes the value: it is a password hash.
    if (problem !== undefined) issues.push({ path, at: 'value', message: problem });
  };
  input.access?.users?.forEach((user, index) => check(['access', 'users', index, 'passwordHash'], user.passwordHash));
  input.access?.tokens?.forEach((token, index) => check(['access', 'tokens', index, 'tokenHash'], token.tokenHash));
  return issues;
}

function hashProblem(text: string): string | undefined {
  const match = SECRET_HASH.exec(text);
  if (match === null) return 'not a hash that `dvc-sentinel hash-password` prints (scrypt$N$r$p$salt$hash)';
  const [n, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Below 2^14 a stolen config gives passwords away too cheaply.
  if (n < 16384 || (n & (n - 1)) !== 0) return 'the scrypt cost N must be a power of two of at least 16384; hash the password again';
  if (r < 1 || r > 32 || p < 1 || p > 16) return 'the scrypt parameters r (1-32) and p (1-16) are out of range; hash the password again';
  if (Buffer.from(match[4]!, 'base64').length < 16 || Buffer.from(match[5]!, 'base64').length < 32)
    return 'the salt or hash is too short; hash the password again';
  return undefined;
}

function findTlsFileIssues(input: ConfigInput, configFile: string): PathIssue[] {
  const tls = input.server?.tls;
  if (tls === undefined) return [];
  const issues: PathIssue[] = [];
  const certProblem = readPem(absoluteFrom(configFile, tls.certFile), 'certificate', (text) => new X509Certificate(text));
  if (certProblem !== undefined) issues.push({ path: ['server', 'tls', 'certFile'], at: 'value', message: certProblem });
  const keyProblem = readPem(absoluteFrom(configFile, tls.keyFile), 'private key', (text) => createPrivateKey(text));
  if (keyProblem !== undefined) issues.push({ path: ['server', 'tls', 'keyFile'], at: 'value', message: keyProblem });
  return issues;
}

function readPem(file: string, what: string, parse: (text: string) => unknown): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return `cannot read the ${what} file ${file} (${code})`;
  }
  try {
    parse(text);
  } catch {
    // The key's parse error could quote key material; the file name is enough.
    return `${file} holds no readable PEM ${what}`;
  }
  return undefined;
}
