import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { simulateCommand } from '../../src/commands/simulate.ts';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('simulate: the channel receivers', () => {
  it('prints the webhook receiver and the Zalo Bot API, records what they receive and fails on demand', async () => {
    const certDir = await mkdtemp(path.join(tmpdir(), 'dvc-simulate-channels-'));
    const lines: string[] = [];
    const running = await simulateCommand({ basePort: 0, certDir }, { stdout: (line) => lines.push(line) }, pino({ level: 'silent' }));
    cleanup = async () => {
      await running.close();
      await rm(certDir, { recursive: true, force: true });
    };
    const text = lines.join('\n');
    const webhook = /webhook receiver\s+(http:\/\/127\.0\.0\.1:\d+\/webhook)/.exec(text)?.[1];
    const zalo = /Zalo Bot API\s+(http:\/\/127\.0\.0\.1:\d+\/zalo)/.exec(text)?.[1];
    expect(webhook).toBeDefined();
    expect(zalo).toBeDefined();
    const base = webhook!.replace(/\/webhook$/, '');

    expect((await fetch(webhook!, { method: 'POST', body: '{"a":1}' })).status).toBe(200);
    const sent = await fetch(`${zalo}/botTOKEN/sendMessage`, { method: 'POST', body: JSON.stringify({ chat_id: 'c1', text: 'Xin chào' }) });
    expect(await sent.json()).toMatchObject({ ok: true, result: { message_id: 'sim-1' } });
    expect((await fetch(`${zalo}/botTOKEN/sendMessage`, { method: 'POST', body: '{}' })).status).toBe(400);

    await fetch(`${base}/control/fail`, { method: 'POST', body: '{"status":503}' });
    expect((await fetch(webhook!, { method: 'POST', body: 'x' })).status).toBe(503);
    await fetch(`${base}/control/fail`, { method: 'POST', body: '{"down":true}' });
    await expect(fetch(webhook!, { method: 'POST', body: 'x' })).rejects.toThrow();
    await fetch(`${base}/control/recover`, { method: 'POST' });

    const received = (await (await fetch(`${base}/control/received`)).json()) as { kind: string; chatId?: string; body: string }[];
    expect(received.map((entry) => [entry.kind, entry.chatId ?? entry.body])).toEqual([
      ['webhook', '{"a":1}'],
      ['zalo', 'c1'],
    ]);
  });
});
