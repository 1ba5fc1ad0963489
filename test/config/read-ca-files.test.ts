import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCaFiles } from '../../src/config/read-ca-files.ts';
import type { ConfigInput } from '../../src/config/schema.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const CA = join(FIXTURES, 'ca', 'test-ca.pem');

describe('readCaFiles', () => {
  it('reads caFile relative to the config directory, wherever the tls block sits, and makes it absolute', () => {
    const input = {
      checks: [
        { name: 'a', system: 's', kind: 'tls', host: 'h', tls: { caFile: 'ca/test-ca.pem', minDaysLeft: 3 } },
        { name: 'b', system: 's', kind: 'sync', source: { url: 'https://a.test/', tls: { caFile: './ca/test-ca.pem' } }, target: { url: 'https://b.test/' } },
        { name: 'c', system: 's', kind: 'tcp', host: 'h', port: 1 },
      ],
    } as unknown as ConfigInput;
    const { input: rewritten, readCa, issues } = readCaFiles(input, FIXTURES);
    expect(issues).toEqual([]);
    const checks = rewritten.checks as unknown as Record<string, any>[];
    expect(checks[0]!.tls).toEqual({ caFile: CA, minDaysLeft: 3 });
    expect(checks[1]!.source.tls).toEqual({ caFile: CA });
    expect(checks[1]!.target).toEqual({ url: 'https://b.test/' });
    expect(checks[2]).toEqual(input.checks[2]);
    expect(readCa(CA)).toContain('-----BEGIN CERTIFICATE-----');
    // The input given is left as it was.
    expect((input.checks[0] as unknown as Record<string, any>).tls.caFile).toBe('ca/test-ca.pem');
  });

  it('reports a bad file at the path of its caFile and answers empty text for it', () => {
    const input = {
      checks: [
        {
          name: 'b',
          system: 's',
          kind: 'sync',
          source: { url: 'https://a.test/' },
          target: { url: 'https://b.test/', tls: { caFile: 'ca/not-a-certificate.pem' } },
        },
      ],
    } as unknown as ConfigInput;
    const { readCa, issues } = readCaFiles(input, FIXTURES);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual(['checks', 0, 'target', 'tls', 'caFile']);
    expect(issues[0]!.message).toContain('holds no PEM certificate');
    expect(readCa(join(FIXTURES, 'ca', 'not-a-certificate.pem'))).toBe('');
  });

  it('treats a request for a file it never read as a bug', () => {
    const { readCa } = readCaFiles({ checks: [] }, FIXTURES);
    expect(() => readCa('/elsewhere/ca.pem')).toThrow('caFile /elsewhere/ca.pem was not read when the config loaded');
  });
});
