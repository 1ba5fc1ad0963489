import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckState } from '../../src/state/check-state.ts';
import { openStore } from '../../src/store/store.ts';
import { createCapturedLog, createTempDatabaseDir, startStoreProcess, type StoreProcess, type TempDatabaseDir } from '../support/temp-database.ts';

let temp: TempDatabaseDir;
const children: StoreProcess[] = [];

beforeEach(() => {
  temp = createTempDatabaseDir();
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.child.kill('SIGKILL');
    await child.exited;
  }
  temp.remove();
});

// One transaction per step, as a probe run does: save a check state, enqueue a notification and
// record the step. A step number is printed (with a blocking write) only after its commit.
const WRITER = `
  import { writeSync } from 'node:fs';
  import { openStore } from '@src/store/store.ts';
  import { createLogger } from '@src/log.ts';
  const store = openStore(process.env.STORE_PATH, { log: createLogger({ level: 'silent' }) });
  for (let step = (store.meta.get('step') ?? -1) + 1; ; step++) {
    store.transaction(() => {
      store.checkStates.save('check-' + (step % 10), {
        status: 'critical', since: new Date(step), consecutiveFailures: step, consecutiveSuccesses: 0, recent: [2, 2],
      });
      store.outbox.enqueue('email', { type: 'firing', riders: [], to: ['trucban@angiang.gov.vn'], createdAt: new Date(step) }, 'trucban@angiang.gov.vn');
      store.meta.set('step', step);
    });
    writeSync(1, step + '\\n');
  }
`;

describe('a writer killed with SIGKILL', () => {
  it('leaves a consistent store holding every committed transaction, round after round', async () => {
    let lastReported = -1;
    for (let round = 0; round < 3; round++) {
      const writer = startStoreProcess(WRITER, { STORE_PATH: temp.path() });
      children.push(writer);
      const target = lastReported + 300;
      await writer.waitForLine((line) => Number(line) >= target, 30_000);
      writer.child.kill('SIGKILL');
      expect((await writer.exited).signal).toBe('SIGKILL');
      lastReported = Math.max(
        ...writer
          .lines()
          .filter((line) => line !== '')
          .map(Number),
      );

      // Reopening checks integrity (quick_check) and takes over the dead writer's lock.
      const store = openStore(temp.path(), { log: createCapturedLog().log });
      const step = store.meta.get<number>('step')!;
      const rows = store.outbox.pending('email');
      const states = store.checkStates.loadAll();
      store.close();

      expect(step).toBeGreaterThanOrEqual(lastReported);
      // All or nothing per transaction: one outbox row and one check-state update per step, no gaps.
      expect(rows).toHaveLength(step + 1);
      expect(rows.map((row) => row.notification.createdAt.getTime())).toEqual(Array.from({ length: step + 1 }, (_, index) => index));
      expect(rows.map((row) => row.id)).toEqual(Array.from({ length: step + 1 }, (_, index) => index + 1));
      for (let check = 0; check < 10; check++) {
        const latest = step - ((((step - check) % 10) + 10) % 10);
        expect(states.get(`check-${check}`)?.consecutiveFailures, `check-${check}`).toBe(latest);
      }
      lastReported = step;
    }

    const db = new Database(temp.path(), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});

describe('check state save throughput', () => {
  it('saves states fast enough for about 1,000 probe runs a second', () => {
    const store = openStore(temp.path(), { log: createCapturedLog().log });
    const state: CheckState = {
      status: 'ok',
      since: new Date(),
      consecutiveFailures: 0,
      consecutiveSuccesses: 12,
      recent: [0, 0, 0],
      lastResult: {
        status: 'ok',
        message: 'HTTP 200 from dichvucong.gov.vn',
        durationSeconds: 0.31,
        phases: { dns: 0.002, connect: 0.02, tls: 0.07, ttfb: 0.18, transfer: 0.04 },
        httpStatus: 200,
        tls: { expiresAt: new Date('2027-01-01T00:00:00Z'), daysLeft: 200, subject: 'CN=dichvucong.gov.vn', issuer: 'CN=CA' },
      },
      lastResultAt: new Date(),
    };
    const saves = 5_000;
    const started = performance.now();
    for (let index = 0; index < saves; index++) {
      // One transaction per save, as each probe run commits on its own.
      store.transaction(() => store.checkStates.save(`check-${index % 200}`, { ...state, consecutiveSuccesses: index }));
    }
    const seconds = (performance.now() - started) / 1000;
    store.close();
    const perSecond = Math.round(saves / seconds);
    console.log(`check state saves: ${perSecond}/s (${saves} single-save transactions in ${seconds.toFixed(2)} s, WAL, synchronous=NORMAL)`);
    // Loose on purpose (two shared cores, other test runs): the printed number is for comparison.
    expect(perSecond).toBeGreaterThan(500);
  });
});
