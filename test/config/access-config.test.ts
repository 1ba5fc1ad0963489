import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/access/secret-hash.ts';
import { checkCommand } from '../../src/commands/check.ts';
import { ConfigError, formatConfigIssue } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { planReload } from '../../src/config/reload-plan.ts';
import { createLeafCertificate } from '../support/certificates.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sentinel-access-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;
function writeConfig(text: string): string {
  count += 1;
  const file = join(scratch, `config-${count}.yaml`);
  writeFileSync(file, text);
  return file;
}

const CHECKS = `checks:
  - name: portal-home
    system: dvcqg
    kind: http
    url: https://dichvucong.gov.vn/
`;

/** Every issue of a config that must not load, as `check` prints them. */
function errorsOf(file: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    loadConfig(file, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatConfigIssue);
    throw error;
  }
  throw new Error(`${file} loaded, but it should be invalid`);
}

let hash: string;
beforeAll(async () => {
  hash = await hashSecret('correct horse battery staple', 16384);
});

describe('access: in the config', () => {
  it('loads users, tokens and single sign-on, with the client secret from the environment', () => {
    const file = writeConfig(`access:
  users:
    - { name: lan.nguyen, role: operator, passwordHash: "${hash}" }
    - { name: minh, role: admin, passwordHash: "${hash}" }
  tokens:
    - { name: cutover-script, role: operator, tokenHash: "${hash}" }
  hideNames: true
  oidc:
    issuer: https://sso.angiang.gov.vn/realms/angiang
    clientId: dvc-sentinel
    clientSecret: \${OIDC_SECRET}
    roleClaim: realm_access.roles
    roles: { operator: [trucban], admin: [quantri] }
${CHECKS}`);
    const { config, secrets } = loadConfig(file, { OIDC_SECRET: 's3cret-from-env' });
    expect(config.access.users.map((user) => [user.name, user.role])).toEqual([
      ['lan.nguyen', 'operator'],
      ['minh', 'admin'],
    ]);
    expect(config.access.tokens[0]).toEqual({ name: 'cutover-script', role: 'operator', tokenHash: hash });
    expect(config.access.hideNames).toBe(true);
    expect(config.access.oidc).toEqual({
      issuer: 'https://sso.angiang.gov.vn/realms/angiang',
      clientId: 'dvc-sentinel',
      clientSecret: 's3cret-from-env',
      roleClaim: 'realm_access.roles',
      roles: { viewer: [], operator: ['trucban'], admin: ['quantri'] },
    });
    // The logger scrubs it from every line.
    expect(secrets).toContain('s3cret-from-env');
  });

  it('lets anonymous requests view on a loopback address and nothing elsewhere, unless told', () => {
    expect(loadConfig(writeConfig(CHECKS)).config.access).toEqual({ users: [], tokens: [], anonymous: 'viewer', hideNames: false, oidc: undefined });
    expect(loadConfig(writeConfig(`server: { listen: "[::1]:9464" }\n${CHECKS}`)).config.access.anonymous).toBe('viewer');
    expect(loadConfig(writeConfig(`server: { listen: 0.0.0.0:9464 }\n${CHECKS}`)).config.access.anonymous).toBe('none');
    expect(loadConfig(writeConfig(`server: { listen: 10.0.0.5:9464 }\naccess: { anonymous: viewer }\n${CHECKS}`)).config.access.anonymous).toBe('viewer');
    expect(loadConfig(writeConfig(`access: { anonymous: none }\n${CHECKS}`)).config.access.anonymous).toBe('none');
  });

  it('`check` accepts a config with access and TLS', async () => {
    const certificate = await createLeafCertificate();
    writeFileSync(join(scratch, 'desk.crt'), certificate.certPem);
    writeFileSync(join(scratch, 'desk.key'), certificate.keyPem);
    const file = writeConfig(`server:
  listen: 0.0.0.0:9464
  tls: { certFile: desk.crt, keyFile: desk.key }
access:
  users: [{ name: lan, role: viewer, passwordHash: "${hash}" }]
${CHECKS}`);
    const out: string[] = [];
    const err: string[] = [];
    expect(checkCommand({ config: file }, { stdout: (line) => out.push(line), stderr: (line) => err.push(line) }, {})).toBe(0);
    expect(err).toEqual([]);
    expect(loadConfig(file).config.tls).toEqual({ certFile: join(scratch, 'desk.crt'), keyFile: join(scratch, 'desk.key') });
  });

  it('applies users and tokens at a reload, and a changed certificate only after a restart', async () => {
    const certificate = await createLeafCertificate();
    writeFileSync(join(scratch, 'other.crt'), certificate.certPem);
    writeFileSync(join(scratch, 'other.key'), certificate.keyPem);
    const before = loadConfig(writeConfig(CHECKS)).config;
    const after = loadConfig(
      writeConfig(
        `server: { tls: { certFile: other.crt, keyFile: other.key } }\naccess: { users: [{ name: lan, role: admin, passwordHash: "${hash}" }] }\n${CHECKS}`,
      ),
    ).config;
    expect(planReload(before, after).waitForRestart).toEqual([
      { key: 'server.tls', fields: { tls: { certFile: join(scratch, 'other.crt'), keyFile: join(scratch, 'other.key') } } },
    ]);
    expect(planReload(before, before).waitForRestart).toEqual([]);
  });

  it('names an unknown role with its line and column', () => {
    const file = writeConfig(`access:
  users:
    - name: lan
      role: superuser
      passwordHash: "${hash}"
${CHECKS}`);
    const [error, ...rest] = errorsOf(file);
    expect(rest).toEqual([]);
    expect(error).toMatch(new RegExp(`^${file}:4:13 access\\.users\\[0\\]\\.role: .*viewer.*operator.*admin`));
  });

  it('refuses a name used twice, across users and tokens', () => {
    const file = writeConfig(`access:
  users:
    - { name: lan, role: viewer, passwordHash: "${hash}" }
  tokens:
    - { name: lan, role: operator, tokenHash: "${hash}" }
${CHECKS}`);
    expect(errorsOf(file)).toEqual([`${file}:5:15 access.tokens[0].name: duplicate name "lan" (also access.users[0])`]);
  });

  it('refuses a hash hash-password did not print, and one too cheap, without quoting it', () => {
    const cheap = 'scrypt$1024$8$1$' + Buffer.alloc(16, 1).toString('base64') + '$' + Buffer.alloc(32, 2).toString('base64');
    const file = writeConfig(`access:
  users:
    - { name: lan, role: viewer, passwordHash: "plaintext-password" }
    - { name: binh, role: viewer, passwordHash: "${cheap}" }
${CHECKS}`);
    const errors = errorsOf(file);
    expect(errors).toEqual([
      `${file}:3:48 access.users[0].passwordHash: not a hash that \`dvc-sentinel hash-password\` prints (scrypt$N$r$p$salt$hash)`,
      `${file}:4:49 access.users[1].passwordHash: the scrypt cost N must be a power of two of at least 16384; hash the password again`,
    ]);
    expect(errors.join('\n')).not.toContain('plaintext-password');
  });

  it('refuses TLS files it cannot read or that hold no PEM', () => {
    writeFileSync(join(scratch, 'not-a-key.pem'), 'hello\n');
    const file = writeConfig(`server:
  tls:
    certFile: missing.crt
    keyFile: not-a-key.pem
${CHECKS}`);
    expect(errorsOf(file)).toEqual([
      `${file}:3:15 server.tls.certFile: cannot read the certificate file ${join(scratch, 'missing.crt')} (ENOENT)`,
      `${file}:4:14 server.tls.keyFile: ${join(scratch, 'not-a-key.pem')} holds no readable PEM private key`,
    ]);
  });

  it('refuses unknown keys under access with the likely spelling', () => {
    const file = writeConfig(`access:
  anonymus: none
${CHECKS}`);
    expect(errorsOf(file)[0]).toMatch(new RegExp(`^${file}:2:3 access\\.anonymus: unknown key "anonymus".*anonymous`));
  });
});
