// The change mail, end to end: two crawls of the simulated catalogue with a fee and a processing
// time changed, then the real daemon (a child process) reviews the newest snapshot and mails the
// table and the CSV to a real SMTP server, once: a restart sends nothing more.
import { appendFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crawlCatalogue } from '../../src/catalogue/crawl.ts';
import { createLogger } from '../../src/log.ts';
import { CATALOGUE_SCENARIO_TARGETS, startCatalogueSim, type CatalogueSim } from '../../src/sim/catalogue-api.ts';
import { openStore } from '../../src/store/store.ts';
import { startCli, type CliProcess } from '../support/cli-process.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';
import { crawlDeps, writeCatalogueConfig } from './catalogue-fixture.ts';

let dir: TempDatabaseDir;
let sim: CatalogueSim;
let smtp: TestSmtpServer;
const daemons: CliProcess[] = [];

beforeEach(async () => {
  dir = createTempDatabaseDir();
  sim = await startCatalogueSim({ procedures: 30 });
  smtp = await startSmtpServer();
});

afterEach(async () => {
  for (const daemon of daemons.splice(0)) if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
  await smtp.close();
  await sim.close();
  dir.remove();
});

async function startDaemon(file: string): Promise<CliProcess> {
  const daemon = startCli(['run', '--config', file]);
  daemons.push(daemon);
  await daemon.waitForLog((entry) => entry.msg === 'dvc-sentinel started');
  return daemon;
}

describe('the catalogue change mail', () => {
  it('arrives once at a real SMTP server with the table of changes and the CSV attachment', { timeout: 60_000 }, async () => {
    const { file, check } = writeCatalogueConfig(dir.dir, sim.url, { rate: 500 });
    appendFileSync(
      file,
      [
        '    notify: { to: ["pc06@angiang.gov.vn"], cc: ["vp@angiang.gov.vn", "sokhcn@angiang.gov.vn"] }',
        'server: { listen: "127.0.0.1:0" }',
        'alerting:',
        '  groupWait: 100ms',
        '  email:',
        `    smtp: { host: 127.0.0.1, port: ${smtp.port}, timeout: 2s }`,
        '    from: "dvc-sentinel <giamsat@angiang.gov.vn>"',
        '    to: ["trucban@angiang.gov.vn"]',
        '    retry: { first: 200ms, max: 500ms }',
        '',
      ].join('\n'),
    );
    const store = openStore(dir.path(), { log: createLogger({ level: 'silent' }) });
    await crawlCatalogue(check, crawlDeps(store.catalogue));
    sim.set('fee-changed', true);
    sim.set('time-changed', true);
    await crawlCatalogue(check, crawlDeps(store.catalogue));
    store.close();

    const first = await startDaemon(file);
    const [mail] = await smtp.waitForMails(1, 20_000);
    const fee = sim.procedures[CATALOGUE_SCENARIO_TARGETS['fee-changed']]!;
    const time = sim.procedures[CATALOGUE_SCENARIO_TARGETS['time-changed']]!;
    expect(mail!.parsed.subject).toBe('THAY ĐỔI DANH MỤC TTHC — national-catalogue');
    expect(mail!.envelope.to).toEqual(expect.arrayContaining(['pc06@angiang.gov.vn', 'vp@angiang.gov.vn', 'sokhcn@angiang.gov.vn']));
    expect(mail!.parsed.html).toContain(fee.code);
    expect(mail!.parsed.html).toContain(`${fee.fee + 15000}`);
    expect(mail!.parsed.text).toContain(time.code);
    const csv = mail!.parsed.attachments.find((attachment) => attachment.filename?.endsWith('.csv'));
    const rows = csv!.content
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(rows).toHaveLength(3);
    expect(rows.slice(1).sort()).toEqual(
      [`${fee.code},Thay đổi,fees,${fee.fee},${fee.fee + 15000}`, `${time.code},Thay đổi,processingTime,${time.days},${time.days + 3}`].sort(),
    );

    first.child.kill('SIGTERM');
    await first.exited;
    const second = await startDaemon(file);
    // The restarted daemon has reviewed the same snapshot (its start-up review runs before the
    // outbox would deliver); give delivery a moment to prove nothing more is sent.
    await second.waitForLog((entry) => entry.msg === 'dvc-sentinel started');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.mails).toHaveLength(1);

    // `catalogue crawl` beside the running daemon (which holds the store): it crawls, and an
    // unchanged catalogue is no change to mail.
    const beside = startCli(['catalogue', 'crawl', '--config', file, '--check', 'national-catalogue']);
    const { code } = await beside.exited;
    expect(code, beside.stderr()).toBe(0);
    expect(beside.stdout()).toMatch(/snapshot 3 complete, 30 procedures/);
  });
});
