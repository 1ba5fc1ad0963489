import { pino } from 'pino';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simulateCommand } from '../../src/commands/simulate.ts';
import { startSmsGatewaySimulator } from '../../src/sim/sms-gateway.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('SMS gateway simulator', () => {
  it('records JSON, form and query messages and fails on demand through its control requests', async () => {
    const sim = await startSmsGatewaySimulator();
    cleanups.push(() => sim.close());
    const post = (body: string, type: string) => fetch(`${sim.url}/send`, { method: 'POST', headers: { 'content-type': type }, body });
    expect(await (await post(JSON.stringify({ phone: '+84912345678', text: 'a' }), 'application/json')).json()).toEqual({
      code: '00',
      message: 'accepted',
      id: 1,
    });
    await post('phone=0987654321&text=b%20c', 'application/x-www-form-urlencoded');
    await fetch(`${sim.url}/send?phone=0911&text=d`);

    await fetch(`${sim.url}/_sim/fail?mode=503`, { method: 'PUT' });
    expect((await post('{}', 'application/json')).status).toBe(503);
    await fetch(`${sim.url}/_sim/fail?mode=reject`, { method: 'PUT' });
    expect(await (await post('{}', 'application/json')).json()).toMatchObject({ code: '99' });
    await fetch(`${sim.url}/_sim/fail?mode=drop`, { method: 'PUT' });
    await expect(post('{}', 'application/json')).rejects.toThrow();
    await fetch(`${sim.url}/_sim/fail`, { method: 'DELETE' });

    const messages = (await (await fetch(`${sim.url}/_sim/messages`)).json()) as { fields: Record<string, string> }[];
    expect(messages.map((message) => message.fields)).toEqual([
      { phone: '+84912345678', text: 'a' },
      { phone: '0987654321', text: 'b c' },
      { phone: '0911', text: 'd' },
    ]);
    expect(sim.refused()).toBe(3);
    await fetch(`${sim.url}/_sim/messages`, { method: 'DELETE' });
    expect(sim.received()).toEqual([]);
  });

  it('runs within `simulate` and is printed with how to read and fail it', async () => {
    const certDir = await mkdtemp(path.join(tmpdir(), 'dvc-simulate-sms-'));
    cleanups.push(() => rm(certDir, { recursive: true, force: true }));
    const lines: string[] = [];
    const running = await simulateCommand({ basePort: 0, certDir }, { stdout: (line) => lines.push(line) }, pino({ level: 'silent' }));
    cleanups.push(() => running.close());
    const row = lines.find((line) => line.trim().startsWith('SMS gateway'));
    const url = /(http:\/\/127\.0\.0\.1:\d+)\/send/.exec(row ?? '')?.[1];
    expect(url, lines.join('\n')).toBeDefined();
    await fetch(`${url}/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '0912', text: 'x' }) });
    expect(((await (await fetch(`${url}/_sim/messages`)).json()) as unknown[]).length).toBe(1);
  });
});
