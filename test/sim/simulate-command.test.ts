import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { simulateCommand } from '../../src/commands/simulate.ts';
import { fetchJson, fetchText } from './sim-fixture.ts';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('simulateCommand', () => {
  it('starts the simulator and prints every URL and how to use the control endpoint', async () => {
    const certDir = await mkdtemp(path.join(tmpdir(), 'dvc-simulate-'));
    const lines: string[] = [];
    const running = await simulateCommand({ basePort: 0, certDir }, { stdout: (line) => lines.push(line) }, pino({ level: 'silent' }));
    cleanup = async () => {
      await running.close();
      await rm(certDir, { recursive: true, force: true });
    };
    const text = lines.join('\n');
    const url = (label: string) => new RegExp(`${label}\\s+(https?://127\\.0\\.0\\.1:\\d+)`).exec(text)?.[1];
    expect(text).toContain(`${certDir}/ca.pem`);
    expect(text).toContain('POST   /scenarios/<name>');
    expect(text).toMatch(/DNS \(udp\)\s+127\.0\.0\.1:\d+/);

    const national = url('national portal');
    expect(national).toBeDefined();
    expect((await fetchText(`${national}/`)).text).toContain('Dịch vụ công');
    const control = url('control');
    expect((await fetchJson<{ active: string[] }>(`${control}/scenarios`)).json.active).toEqual([]);
    expect(text).toContain(`curl -X POST ${control}/scenarios/portal-down`);
  });
});
