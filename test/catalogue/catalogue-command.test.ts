// `dvc-sentinel catalogue crawl|diff|export` as real child processes: a crawl killed with SIGKILL
// resumes without starting over, diff prints the contract JSON, and the exit codes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCatalogueSim, CATALOGUE_SCENARIO_TARGETS, type CatalogueSim } from '../../src/sim/catalogue-api.ts';
import { startCli } from '../support/cli-process.ts';
import { createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';
import { writeCatalogueConfig } from './catalogue-fixture.ts';

let dir: TempDatabaseDir;
let sim: CatalogueSim;

beforeEach(async () => {
  dir = createTempDatabaseDir();
  sim = await startCatalogueSim({ procedures: 60 });
});

afterEach(async () => {
  await sim.close();
  dir.remove();
});

async function run(args: string[]) {
  const cli = startCli(args);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

describe('catalogue commands', () => {
  it('a crawl killed with SIGKILL resumes where it stopped and finishes', { timeout: 60_000 }, async () => {
    const { file } = writeCatalogueConfig(dir.dir, sim.url, { rate: 25, limit: 20 });
    const first = startCli(['catalogue', 'crawl', '--config', file, '--check', 'national-catalogue']);
    await sim.detailsReached(25);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const beforeKill = sim.detailsServed.size;

    const second = await run(['catalogue', 'crawl', '--config', file, '--check', 'national-catalogue']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/complete, 60 procedures/);
    // Every procedure fetched; at most the one in flight at the kill fetched twice.
    expect(sim.detailsServed.size).toBe(60);
    const repeated = [...sim.detailsServed.values()].filter((count) => count > 1).length;
    expect(repeated).toBeLessThanOrEqual(1);
    const requests = Number(/(\d+) requests/.exec(second.stdout)?.[1]);
    expect(requests).toBeLessThan(60 + 4 - beforeKill + 2);
  });

  it('diff --format json prints the changes between the last two snapshots; usage errors exit 2', { timeout: 60_000 }, async () => {
    const { file } = writeCatalogueConfig(dir.dir, sim.url, { rate: 500, limit: 50 });
    const crawl = ['catalogue', 'crawl', '--config', file, '--check', 'national-catalogue'];
    expect((await run(crawl)).code).toBe(0);
    sim.set('fee-changed', true);
    expect((await run(crawl)).code).toBe(0);

    const diff = await run(['catalogue', 'diff', '--config', file, '--check', 'national-catalogue', '--format', 'json']);
    expect(diff.code, diff.stderr).toBe(0);
    const fee = sim.procedures[CATALOGUE_SCENARIO_TARGETS['fee-changed']]!;
    expect(JSON.parse(diff.stdout)).toMatchObject({
      added: [],
      removed: [],
      changes: [{ code: fee.code, field: 'fees', old: String(fee.fee), new: String(fee.fee + 15000) }],
      mismatches: [],
      missing: { inSource: [], inOther: [] },
    });

    // The table a person reads gives the snapshots' times in Vietnam time, not ISO instants.
    const table = await run(['catalogue', 'diff', '--config', file, '--check', 'national-catalogue']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^So sánh bản chụp \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d với \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d/m);
    expect(table.stdout).not.toMatch(/\d{4}-\d\d-\d\dT/);

    const exported = await run(['catalogue', 'export', '--config', file, '--check', 'national-catalogue', '--format', 'csv']);
    expect(exported.code).toBe(0);
    expect(exported.stdout.trim().split('\r\n')).toHaveLength(61);

    expect((await run(['catalogue', 'frobnicate', '--config', file, '--check', 'national-catalogue'])).code).toBe(2);
    expect((await run(['catalogue', 'diff', '--config', file, '--check', 'no-such-check'])).code).toBe(2);
    expect((await run(['catalogue', 'diff', '--config', file, '--check', 'national-catalogue', '--format', 'xml'])).code).toBe(2);

    sim.block(true);
    const blocked = await run(crawl);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/reason blocked/);
  });
});
