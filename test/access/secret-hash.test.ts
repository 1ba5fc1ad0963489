import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hashSecret, verifySecret } from '../../src/access/secret-hash.ts';
import { hashPasswordCommand } from '../../src/commands/hash-password.ts';

describe('password and token hashes', () => {
  it('verifies the secret it hashed and nothing else, with a fresh salt each time', async () => {
    const first = await hashSecret('Mật khẩu đêm trực', 16384);
    const second = await hashSecret('Mật khẩu đêm trực', 16384);
    expect(first).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(second).not.toBe(first);
    expect(await verifySecret('Mật khẩu đêm trực', first)).toBe(true);
    expect(await verifySecret('Mật khẩu đêm trực', second)).toBe(true);
    expect(await verifySecret('mật khẩu đêm trực', first)).toBe(false);
    expect(await verifySecret('', first)).toBe(false);
  });

  it('reads its parameters from the hash, so a stronger cost later still verifies older hashes', async () => {
    const hash = await hashSecret('s', 16384);
    const [, , r, p, salt] = hash.split('$');
    expect([r, p]).toEqual(['8', '1']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    // A tampered cost gives another key: no match, and no throw.
    expect(await verifySecret('s', hash.replace('scrypt$16384$', 'scrypt$32768$'))).toBe(false);
  });

  it('treats a malformed hash as no match', async () => {
    expect(await verifySecret('x', 'plain-text')).toBe(false);
    expect(await verifySecret('x', 'scrypt$3$8$1$AAAA$AAAA')).toBe(false);
  });

  it('takes the same text whether typed composed or decomposed (NFC)', async () => {
    const hash = await hashSecret('Trực ban'.normalize('NFD'), 16384);
    expect(await verifySecret('Trực ban'.normalize('NFC'), hash)).toBe(true);
  });
});

describe('dvc-sentinel hash-password', () => {
  it('hashes the first line piped to it and prints only the hash', async () => {
    const input = new PassThrough();
    input.end('tok_3f9a1c7e5b2d4068\n');
    const out: string[] = [];
    const err: string[] = [];
    const code = await hashPasswordCommand({ stdout: (line) => out.push(line), stderr: (line) => err.push(line) }, input);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifySecret('tok_3f9a1c7e5b2d4068', out[0]!)).toBe(true);
  });

  it('refuses an empty input', async () => {
    const input = new PassThrough();
    input.end('\n');
    const err: string[] = [];
    expect(await hashPasswordCommand({ stdout: () => {}, stderr: (line) => err.push(line) }, input)).toBe(2);
    expect(err).toEqual(['hash-password: no password given on standard input']);
  });

  it('reads a terminal without echo, honouring backspace', async () => {
    const input = Object.assign(new PassThrough(), {
      isTTY: true,
      modes: [] as boolean[],
      setRawMode(mode: boolean) {
        this.modes.push(mode);
      },
    });
    const out: string[] = [];
    const err: string[] = [];
    const done = hashPasswordCommand({ stdout: (line) => out.push(line), stderr: (line) => err.push(line) }, input);
    input.write('pass');
    input.write('x\u007fword\r');
    expect(await done).toBe(0);
    expect(input.modes).toEqual([true, false]);
    expect(err.join('\n')).not.toContain('pass');
    expect(await verifySecret('password', out[0]!)).toBe(true);
  });
});
