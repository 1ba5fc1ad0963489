// Shared setup for simulator tests: a hand-driven clock and a simulator on OS-chosen ports with
// certificates in a temp directory, torn down by the caller's afterEach.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/simulator.ts';

export interface FakeClock {
  now(): Date;
  advanceSeconds(seconds: number): void;
}

export function createFakeClock(startIso = '2026-05-29T22:00:00+07:00'): FakeClock {
  let ms = Date.parse(startIso);
  return {
    now: () => new Date(ms),
    advanceSeconds: (seconds) => {
      ms += seconds * 1000;
    },
  };
}

export interface TestSimulator {
  readonly sim: Simulator;
  readonly certDir: string;
  close(): Promise<void>;
}

/** The ticker is effectively off (an hour) unless a test asks for one; tests call settle(). */
export async function startTestSimulator(options: SimulatorOptions = {}): Promise<TestSimulator> {
  const certDir = await mkdtemp(path.join(tmpdir(), 'dvc-sim-'));
  const sim = await startSimulator({ basePort: 0, certDir, tickMs: 3_600_000, ...options });
  return {
    sim,
    certDir,
    close: async () => {
      await sim.close();
      await rm(certDir, { recursive: true, force: true });
    },
  };
}

/** One request on a fresh connection (reset), body read as text. */
export async function fetchText(url: string, init: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: string; headers?: Record<string, string> } = {}) {
  const response = await request(url, { method: init.method ?? 'GET', body: init.body, headers: init.headers, reset: true });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

export async function fetchJson<T = Record<string, unknown>>(url: string, init: Parameters<typeof fetchText>[1] = {}) {
  const response = await fetchText(url, init);
  return { ...response, json: JSON.parse(response.text) as T };
}
