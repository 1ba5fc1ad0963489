// What the gammu channel writes is compared, byte for byte, with what gammu-smsd-inject writes into a
// files-backend outbox (outboxformat = unicode) for the same text and number. Only the time and
// serial of the names differ (gammu-smsd-inject stamps its own clock and uses serial 00).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmsChannel } from '../../../src/alerting/channels/sms.ts';
import type { SmsChannelConfig } from '../../../src/config/alerting-config.ts';
import { makeIncident, makeNotification } from '../../support/alerting-fixtures.ts';

const run = promisify(execFile);
const PHONE = '+84912345678';
let root: string;

beforeAll(async () => {
  try {
    await run('gammu-smsd-inject', ['-h']);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('gammu-smsd-inject is not installed: the SMS spool format cannot be checked. Install Debian package gammu-smsd (.ci/run does).', {
        cause: error,
      });
    }
  }
  root = await mkdtemp(join(tmpdir(), 'dvc-gammu-'));
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

let runs = 0;

/** A fresh files-backend outbox and what gammu-smsd-inject put in it. */
async function inject(args: readonly string[]): Promise<Map<string, Buffer>> {
  const dir = join(root, `inject-${(runs += 1)}`);
  for (const sub of ['outbox', 'inbox', 'sent', 'error']) await mkdir(join(dir, sub), { recursive: true });
  const config = join(dir, 'smsdrc');
  await writeFile(
    config,
    [
      '[gammu]',
      'device = /dev/null',
      'connection = at',
      '[smsd]',
      'service = files',
      `outboxpath = ${join(dir, 'outbox')}/`,
      `inboxpath = ${join(dir, 'inbox')}/`,
      `sentsmspath = ${join(dir, 'sent')}/`,
      `errorsmspath = ${join(dir, 'error')}/`,
      'outboxformat = unicode',
      'transmitformat = auto',
      `logfile = ${join(dir, 'smsd.log')}`,
      'pin = 0000',
      '',
    ].join('\n'),
  );
  await run('gammu-smsd-inject', ['-c', config, 'TEXT', PHONE, ...args], { env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' } });
  return readOutbox(join(dir, 'outbox'));
}

async function readOutbox(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir)).sort();
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(dir, name))] as const)));
}

/** What our channel writes for a template without variables (the text itself). */
async function ours(text: string, settings: { maxSegments?: number; ascii?: boolean } = {}): Promise<Map<string, Buffer>> {
  const outbox = join(root, `ours-${(runs += 1)}`);
  await mkdir(outbox);
  const config: SmsChannelConfig = {
    kind: 'sms',
    name: 'modem',
    routes: [],
    to: [PHONE],
    template: text,
    ascii: settings.ascii ?? false,
    maxSegments: settings.maxSegments ?? 1,
    via: { kind: 'gammu', outbox },
  };
  const channel = createSmsChannel({ config, locale: 'vi' });
  const rendered = channel.render([makeNotification('firing', { incident: makeIncident() })], { now: new Date('2026-05-29T15:10:05Z'), seed: 42 });
  await channel.send({ deliveryId: 1, id: rendered.id, content: channel.read(JSON.parse(JSON.stringify(rendered.content)))! });
  return readOutbox(outbox);
}

/** OUT<priority><date>_<time>_<serial>_<phone>_<sequence>.txt with date, time and serial blanked. */
function normalised(files: Map<string, Buffer>): [string, string][] {
  return [...files].map(([name, bytes]) => {
    const match = /^OUT([A-Z])(\d{8})_(\d{6})_(\d+)_(\+?\d+)_(sms\d+)\.txt$/.exec(name);
    expect(match, `${name} follows gammu's outbox name pattern`).not.toBeNull();
    return [`OUT${match![1]}<date>_<time>_<serial>_${match![5]}_${match![6]}.txt`, bytes.toString('hex')];
  });
}

async function expectSame(text: string, injectArgs: readonly string[], settings: { maxSegments?: number; ascii?: boolean } = {}): Promise<Map<string, Buffer>> {
  const mine = await ours(text, settings);
  const theirs = await inject(injectArgs);
  expect(normalised(mine)).toEqual(normalised(theirs));
  return mine;
}

describe('gammu channel: the spool files gammu-smsd-inject writes', () => {
  it('a short ASCII text: one file, a UTF-16BE byte-order mark and the text', async () => {
    const text = 'DVC NGHIEM TRONG: national-portal dvcqg-home loi tu 22:10 29/05/2026';
    const files = await expectSame(text, ['-text', text]);
    const [bytes] = [...files.values()];
    expect(bytes!.subarray(0, 2)).toEqual(Buffer.from([0xfe, 0xff]));
    expect(bytes!.subarray(2).swap16().toString('utf16le')).toBe(text);
  });

  it('a Vietnamese text in UCS-2', async () => {
    const text = 'DVC NGHIÊM TRỌNG: Cổng DVC quốc gia lỗi từ 22:10';
    await expectSame(text, ['-unicode', '-text', text]);
  });

  it('161 GSM-7 characters cut to one segment of 160', async () => {
    const text = 'x'.repeat(150) + '0123456789A';
    const files = await expectSame(text, ['-text', text]);
    expect([...files.values()][0]!.length).toBe(2 + 160 * 2);
  });

  it('a 200-character text as two parts, 153 + 47, named sms0 and sms1', async () => {
    const text = Array.from({ length: 200 }, (_unused, index) => String.fromCharCode(97 + (index % 26))).join('');
    const files = await expectSame(text, ['-len', '200', '-text', text], { maxSegments: 2 });
    expect([...files.keys()].map((name) => name.slice(-8))).toEqual(['sms0.txt', 'sms1.txt']);
  });

  it('80 Vietnamese characters as two UCS-2 parts, 67 + 13', async () => {
    const text = 'ệ'.repeat(80);
    const files = await expectSame(text, ['-len', '80', '-unicode', '-text', text], { maxSegments: 2 });
    expect([...files.values()].map((bytes) => (bytes.length - 2) / 2)).toEqual([67, 13]);
  });

  it('GSM-7 extension characters counted twice: 100 braces as 76 + 24', async () => {
    const text = '{'.repeat(100);
    await expectSame(text, ['-len', '100', '-text', text], { maxSegments: 2 });
  });

  it('a folded Vietnamese template is written as the ASCII gammu would get', async () => {
    const folded = await ours('DVC NGHIÊM TRỌNG: Cổng DVC lỗi, đường truyền', { ascii: true });
    const theirs = await inject(['-text', 'DVC NGHIEM TRONG: Cong DVC loi, duong truyen']);
    expect(normalised(folded)).toEqual(normalised(theirs));
  });
});

describe('gammu channel: the outbox directory', () => {
  const config = (outbox: string): SmsChannelConfig => ({
    kind: 'sms',
    name: 'modem',
    routes: [],
    to: ['0987654321', PHONE],
    template: 'DVC {check} {status}',
    ascii: true,
    maxSegments: 1,
    via: { kind: 'gammu', outbox },
  });

  it('retries while the outbox is missing, rewrites the same files on a resend, and names sort in queue order', async () => {
    const outbox = join(root, `order-${(runs += 1)}`);
    const channel = createSmsChannel({ config: config(outbox), locale: 'vi' });
    const now = new Date('2026-05-29T15:10:05Z');
    // Seeds 99 and 100 in the same second: the serial must still sort 99 first.
    const first = channel.render([makeNotification('firing', { incident: makeIncident({ check: 'first' }) })], { now, seed: 99 });
    const second = channel.render([makeNotification('firing', { incident: makeIncident({ check: 'second' }) })], { now, seed: 100 });
    const error = await channel.send({ deliveryId: 1, id: first.id, content: first.content }).catch((caught: unknown) => caught);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(channel.classify(error)).toBe('retry');

    await mkdir(outbox);
    await channel.send({ deliveryId: 1, id: first.id, content: first.content });
    await channel.send({ deliveryId: 1, id: first.id, content: first.content });
    await channel.send({ deliveryId: 2, id: second.id, content: second.content });
    const files = await readOutbox(outbox);
    const texts = [...files.values()].map((bytes) => Buffer.from(bytes.subarray(2)).swap16().toString('utf16le'));
    expect(texts).toEqual(['DVC first loi', 'DVC first loi', 'DVC second loi', 'DVC second loi']);
    expect([...files.keys()].every((name) => name.startsWith('OUTC20260529_221005_'))).toBe(true);
    expect((await readdir(outbox)).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
