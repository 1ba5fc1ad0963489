import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MIN_SECRET_LENGTH, REDACTED, createLogger, type LoggerOptions } from '../src/log.ts';

/** A real stream that keeps every chunk the logger writes. */
function captureStream(): { stream: Writable; text: () => string; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = (): string => chunks.join('');
  const lines = (): Array<Record<string, unknown>> =>
    text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, text, lines };
}

function capturedLogger(options: Omit<LoggerOptions, 'destination'> = {}) {
  const capture = captureStream();
  return { ...capture, log: createLogger({ ...options, destination: capture.stream }) };
}

const apiToken = 'tok_9f8e7d6c5b4a';

describe('createLogger', () => {
  it('writes one JSON line per call with level, time and the fields given', () => {
    const { log, lines } = capturedLogger();
    log.info({ check: 'portal-home', durationSeconds: 0.25 }, 'probe finished');
    log.debug('not written at info');
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ level: 30, check: 'portal-home', durationSeconds: 0.25, msg: 'probe finished' });
    expect(new Date(lines()[0]!.time as string).getTime()).not.toBeNaN();
  });

  it('redacts credential fields at the top level and nested, whatever their case', () => {
    const { log, text, lines } = capturedLogger();
    const check = {
      name: 'sync-api',
      headers: { Authorization: 'Bearer abc.def', accept: 'application/json', 'x-api-key': 'key-123456' },
      auth: { user: 'sentinel', pass: 'hunter22' },
    };
    log.warn({ password: 'pw-top-level', token: 'tok-top-level', check, requests: [{ headers: { cookie: 'sid=77aa' } }] }, 'reload refused');
    const [line] = lines();
    expect(line).toMatchObject({
      password: REDACTED,
      token: REDACTED,
      check: { name: 'sync-api', headers: { Authorization: REDACTED, accept: 'application/json', 'x-api-key': REDACTED }, auth: REDACTED },
      requests: [{ headers: { cookie: REDACTED } }],
    });
    for (const secret of ['pw-top-level', 'tok-top-level', 'abc.def', 'key-123456', 'hunter22', 'sid=77aa']) {
      expect(text()).not.toContain(secret);
    }
    // The caller's objects are not changed by logging them.
    expect(check.headers.Authorization).toBe('Bearer abc.def');
  });

  it('redacts credential fields bound to a child logger', () => {
    const { log, text } = capturedLogger();
    log.child({ check: 'sync-api', token: 'child-bound-token' }).info('probe started');
    expect(text()).toContain('"check":"sync-api"');
    expect(text()).not.toContain('child-bound-token');
  });

  it('never writes a configured secret, wherever it appears in the line', () => {
    const { log, text } = capturedLogger({ secrets: () => [apiToken] });
    log.error({ url: `https://sync.example.test/api?token=${apiToken}`, note: `sent ${apiToken}` }, `rejected ${apiToken}`);
    log.error({ err: new Error(`upstream echoed ${apiToken}`) }, 'sync probe failed');
    log.child({ label: `bound ${apiToken}` }).info('child');
    expect(text()).not.toContain(apiToken);
    expect(text().split(REDACTED).length - 1).toBeGreaterThanOrEqual(5);
  });

  it('scrubs a secret that JSON or URL encoding would have changed', () => {
    const awkward = 'p"a\\ss w/ord';
    const { log, text } = capturedLogger({ secrets: () => [awkward] });
    log.info({ body: `{"password":"${awkward}"}` }, `login as ${awkward}`);
    log.info({ url: `https://api.example.test/?key=${encodeURIComponent(awkward)}` }, 'request');
    expect(text()).not.toContain(JSON.stringify(awkward).slice(1, -1));
    expect(text()).not.toContain(encodeURIComponent(awkward));
    expect(text()).toContain(REDACTED);
  });

  it('picks up a new set of secrets after a reload', () => {
    let secrets: readonly string[] = ['first-secret'];
    const { log, text } = capturedLogger({ secrets: () => secrets });
    log.info('using first-secret');
    secrets = ['second-secret'];
    log.info('using second-secret, first-secret no longer configured');
    expect(text()).not.toContain('second-secret');
    expect(text()).toContain('first-secret no longer configured');
  });

  it(`leaves values shorter than ${MIN_SECRET_LENGTH} characters alone rather than mangle every line`, () => {
    const { log, lines } = capturedLogger({ secrets: () => ['on'] });
    log.info({ mode: 'on' }, 'connection pool on');
    expect(lines()[0]).toMatchObject({ mode: 'on', msg: 'connection pool on' });
  });

  it('writes human text, not JSON, in pretty mode, still without secrets', () => {
    const { log, text } = capturedLogger({ pretty: true, secrets: () => [apiToken] });
    log.info({ check: 'portal-home', password: 'pretty-password' }, `probe finished with ${apiToken}`);
    const output = text();
    expect(output).toContain('INFO');
    expect(output).toContain('probe finished with');
    expect(output).toContain('portal-home');
    expect(() => JSON.parse(output)).toThrow();
    expect(output).not.toContain(apiToken);
    expect(output).not.toContain('pretty-password');
    expect(output).not.toMatch(/\u001b\[/); // no colour codes when not writing to a terminal
  });

  it('refuses an unknown level with a message listing the valid ones', () => {
    expect(() => createLogger({ level: 'verbose', destination: captureStream().stream })).toThrow(/unknown log level "verbose": use one of .*debug.*info/);
  });
});
