import { describe, expect, it } from 'vitest';
import { resolveConfig, type HttpCheck } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';

const read: string[] = [];

function httpChecks(checks: readonly unknown[]): HttpCheck[] {
  read.length = 0;
  const config = resolveConfig('shared.yaml', ConfigInput.parse({ checks }), (path) => {
    read.push(path);
    return `PEM of ${path}`;
  });
  return config.checks as HttpCheck[];
}

describe('check parts equal across checks', () => {
  it('are one frozen object for every check that has them, and each check still reads as written', () => {
    const checks = httpChecks(
      Array.from({ length: 3 }, (_, index) => ({
        name: `c-${index}`,
        system: 's',
        kind: 'http',
        url: `http://127.0.0.1/${index}`,
        expect: { status: [200] },
        tls: { caFile: 'ca.pem' },
      })),
    );
    const [a, b, c] = checks as [HttpCheck, HttpCheck, HttpCheck];
    for (const part of ['expect', 'tls', 'blocked', 'backend', 'headers', 'dependsOn'] as const) {
      expect(b[part]).toBe(a[part]);
      expect(c[part]).toBe(a[part]);
      expect(Object.isFrozen(a[part])).toBe(true);
    }
    expect(a.expect.status).toEqual([200]);
    expect(a.tls).toEqual({ verify: true, caFile: 'ca.pem', ca: 'PEM of ca.pem', minDaysLeft: undefined, serverName: undefined });
    // The CA file is read once, not once per check.
    expect(read).toEqual(['ca.pem']);
  });

  it('are a check’s own where they differ, JSON expectations always', () => {
    const [plain, other, json] = httpChecks([
      { name: 'a', system: 's', kind: 'http', url: 'http://127.0.0.1/a' },
      { name: 'b', system: 's', kind: 'http', url: 'http://127.0.0.1/b', expect: { status: [204], bodyContains: 'ok' }, headers: { 'X-Ma': '1' } },
      { name: 'c', system: 's', kind: 'http', url: 'http://127.0.0.1/c', expect: { json: [{ path: '$.ok', equals: true }] } },
    ]) as [HttpCheck, HttpCheck, HttpCheck];
    expect(other.expect).not.toBe(plain.expect);
    expect(other.expect).toMatchObject({ status: [204], bodyContains: 'ok' });
    expect(other.headers).toEqual({ 'x-ma': '1' });
    expect(plain.headers).toEqual({});
    expect(json.expect).not.toBe(plain.expect);
    expect(json.expect.json).toHaveLength(1);
    expect(plain.expect.json).toEqual([]);
  });
});
