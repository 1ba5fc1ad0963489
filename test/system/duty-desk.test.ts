// System test of the duty desk: the portal simulator, a real SMTP server, a real dvc-sentinel daemon
// (child process) with an operator and a viewer, and a real headless Chromium (Debian package
// `chromium`, driven by playwright-core). The simulator takes the national portal down; the
// operator signs in through the login form, acknowledges the incident and records its cause and
// plan through the status page's forms, and sees them on the page and in the mails of the
// incident's thread; a viewer sees the same record and no forms; the audit log holds it all.
// With DVC_SCREENSHOT set, the operator's page is also written to docs/duty-desk.png (the README's picture).
// Everything listens on 127.0.0.1 ports chosen by the OS; everything is stopped at the end.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { hashSecret } from '../../src/access/secret-hash.ts';
import { incidentAnchorId } from '../../src/alerting/message-id.ts';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { stopChild, startCli, type CliProcess } from '../support/cli-process.ts';
import { findExecutable, isRunnable, requireExecutable } from '../support/run-executable.ts';
import { simulatorConfig } from '../support/simulator-config.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../support/smtp-server.ts';

// The flags verified with Debian's chromium in a container (no sandbox, no GPU, small /dev/shm, no calls home).
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SCREENSHOT = fileURLToPath(new URL('../../docs/duty-desk.png', import.meta.url));
const MAIL_DOMAIN = 'angiang.gov.vn';
const CHECK = 'national-home';

const OPERATOR = { name: 'lan.nguyen', password: 'ca-truc-dem-VNPT-2026' };
const VIEWER = { name: 'minh.tran', password: 'chi-xem-trang-thai-2026' };
const ACK_NOTE = 'Ca trực VNPT đã nhận';
const CAUSE = 'Mất kết nối từ trung tâm dữ liệu tới Cổng DVC quốc gia';
const PLAN = 'Chuyển sang đường truyền dự phòng của MobiFone, báo Cục Chuyển đổi số';
// Vietnam time, as the datetime-local field takes it; the page and the mail write it back in full.
const EXPECTED_FIX = '2026-12-04T06:30';
const EXPECTED_FIX_SHOWN = '04/12/2026 06:30:00';

interface IncidentJson {
  readonly id: string;
  readonly check: string;
  readonly acknowledgedBy: string | null;
  readonly notes: readonly { author: string | null; cause?: string; plan?: string; text?: string; notify: boolean }[];
}

interface AuditJson {
  readonly entries: readonly { at: string; user: string; address: string; action: string; target: string }[];
}

/** The first mail (waiting for more as they arrive) that match accepts. */
async function waitForMail(smtp: TestSmtpServer, what: string, match: (mail: ReceivedMail) => boolean, timeoutMs = 20_000): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs;
  for (let seen = 1; ; seen += 1) {
    const mails = await smtp.waitForMails(seen, Math.max(1, deadline - Date.now())).catch(() => {
      throw new Error(`${what}: not received within ${timeoutMs} ms; subjects: ${JSON.stringify(smtp.mails.map((mail) => mail.parsed.subject))}`);
    });
    const found = mails.slice(0, seen).find(match);
    if (found !== undefined) return found;
  }
}

function referencesOf(mail: ReceivedMail): string[] {
  const { references } = mail.parsed;
  return references === undefined ? [] : Array.isArray(references) ? references : [references];
}

async function logIn(page: Page, baseUrl: string, user: { name: string; password: string }): Promise<void> {
  const response = await page.goto(`${baseUrl}/login`, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  await page.fill('#name', user.name);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForURL(`${baseUrl}/`), page.click('form[action="/login"] button[type="submit"]')]);
}

const chromiumBinary = findExecutable('chromium');

// chromium comes from the Debian package `chromium`; without it this test is skipped on a
// developer machine and fails under CI.
describe.skipIf(!isRunnable(chromiumBinary))('the duty desk in a real browser', () => {
  let dir: string;
  let sim: Simulator | undefined;
  let smtp: TestSmtpServer | undefined;
  let daemon: CliProcess | undefined;
  let browser: Browser | undefined;
  let baseUrl: string;
  let operatorHash: string;
  let viewerHash: string;
  let incidentId: string;
  let firing: ReceivedMail;
  let operator: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const executablePath = requireExecutable(chromiumBinary, 'chromium', 'chromium');
    dir = await mkdtemp(path.join(tmpdir(), 'dvc-system-duty-desk-'));
    [sim, smtp, operatorHash, viewerHash] = await Promise.all([
      startSimulator({ basePort: 0, certDir: path.join(dir, 'sim') }),
      startSmtpServer(),
      // The lowest cost the config accepts: the test signs in a handful of times.
      hashSecret(OPERATOR.password, 16384),
      hashSecret(VIEWER.password, 16384),
    ]);
    const config = parse(simulatorConfig(sim, dir)) as { checks: { name: string }[] } & Record<string, unknown>;
    // One probe on the portal (its incident is the one worked on) and one on a system that stays up.
    config.checks = config.checks.filter((check) => check.name === CHECK || check.name === 'quantricong-login');
    config.alerting = {
      groupWait: '200ms',
      flapping: { recoveryHold: '0s' },
      groupInterval: '200ms',
      email: {
        smtp: { host: smtp.host, port: smtp.port, timeout: '2s' },
        from: `dvc-sentinel <giamsat@${MAIL_DOMAIN}>`,
        to: [`trucban@${MAIL_DOMAIN}`],
        retry: { first: '200ms', max: '1s' },
      },
    };
    config.access = {
      users: [
        { name: OPERATOR.name, role: 'operator', passwordHash: operatorHash },
        { name: VIEWER.name, role: 'viewer', passwordHash: viewerHash },
      ],
    };
    const configFile = path.join(dir, 'sentinel.yaml');
    await writeFile(configFile, stringify(config));
    daemon = startCli(['run', '--config', configFile]);
    const started = await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started', 30_000);
    baseUrl = String(started.url);
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    operator = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    page = await operator.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    if (daemon) await stopChild(daemon.child);
    await smtp?.close();
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('mails the incident the simulator causes', async () => {
    sim!.setScenario('portal-down', true);
    await sim!.settle();
    firing = await waitForMail(smtp!, 'the firing mail', (mail) => mail.parsed.subject?.includes(CHECK) === true);
    const response = await fetch(`${baseUrl}/api/incidents?state=open`);
    const { incidents } = (await response.json()) as { incidents: IncidentJson[] };
    const incident = incidents.find((item) => item.check === CHECK);
    expect(incident).toBeDefined();
    incidentId = incident!.id;
    expect(incident!.acknowledgedBy).toBeNull();
    // The opening mail carries the incident's thread anchor; every later mail about it names the same one.
    expect(referencesOf(firing)).toEqual([incidentAnchorId(incidentId, MAIL_DOMAIN)]);
  });

  it('signs the operator in through the form and shows the incident with its forms', async () => {
    await logIn(page, baseUrl, OPERATOR);
    const cookies = await operator.cookies(baseUrl);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.locator('form.account button').textContent()).toContain(OPERATOR.name);

    const item = page.locator(`li.incident[data-incident="${incidentId}"]`);
    await item.waitFor();
    expect(await item.getAttribute('data-check')).toBe(CHECK);
    expect(await item.locator('.ack').textContent()).toBe('Chưa có ai tiếp nhận');
    expect(await item.locator('form.acknowledge').getAttribute('action')).toBe(`/api/incidents/${incidentId}/acknowledge`);
    // An operator's page must not reload itself under a half-typed note.
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
  });

  it('acknowledges the incident through the form: the page says who, and the mail goes in the thread', async () => {
    const item = page.locator(`li.incident[data-incident="${incidentId}"]`);
    await item.locator('form.acknowledge input[name="note"]').fill(ACK_NOTE);
    await Promise.all([page.waitForURL(`${baseUrl}/#incident-${incidentId}`), item.locator('form.acknowledge button[type="submit"]').click()]);
    const shown = page.locator(`li.incident[data-incident="${incidentId}"]`);
    expect(await shown.locator('.ack').textContent()).toMatch(new RegExp(`^Đã tiếp nhận: ${OPERATOR.name} lúc \\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}`));
    // Acknowledged once: the form is gone, the notes' form stays.
    expect(await shown.locator('form.acknowledge').count()).toBe(0);
    expect(await shown.locator('form.note').count()).toBe(1);

    const acknowledged = await waitForMail(smtp!, 'the acknowledgement mail', (mail) => mail.parsed.subject?.startsWith('[ĐÃ TIẾP NHẬN]') === true);
    const anchor = incidentAnchorId(incidentId, MAIL_DOMAIN);
    expect(acknowledged.parsed.inReplyTo).toBe(anchor);
    expect(referencesOf(acknowledged)).toEqual(referencesOf(firing));
    expect(acknowledged.parsed.subject).toContain(CHECK);
    expect(acknowledged.parsed.text).toContain(`nhận xử lý lúc`);
    expect(acknowledged.parsed.text).toContain(OPERATOR.name);
    expect(acknowledged.parsed.text).toContain(`Ghi chú: ${ACK_NOTE}`);
    expect(acknowledged.envelope.to).toEqual([`trucban@${MAIL_DOMAIN}`]);
  });

  it('records the cause and the plan through the note form: on the page, in the API and mailed in the thread', async () => {
    const item = page.locator(`li.incident[data-incident="${incidentId}"]`);
    // The note's form folds away under its summary until asked for.
    await item.locator('details.desk-more summary').click();
    const form = item.locator('form.note');
    await form.locator('textarea[name="cause"]').fill(CAUSE);
    await form.locator('textarea[name="plan"]').fill(PLAN);
    await form.locator('input[name="expectedFixAt"]').fill(EXPECTED_FIX);
    await form.locator('input[name="notify"]').check();
    await Promise.all([page.waitForURL(`${baseUrl}/#incident-${incidentId}`), form.locator('button[type="submit"]').click()]);

    // The acknowledgement's words (mailed with it) are the first note, the cause and the plan the second.
    const notes = page.locator(`li.incident[data-incident="${incidentId}"] li.note`);
    expect(await notes.count()).toBe(2);
    expect(await notes.first().locator('dd').allTextContents()).toEqual([ACK_NOTE]);
    const note = notes.last();
    expect(await note.locator('.note-head').textContent()).toMatch(new RegExp(`^${OPERATOR.name} lúc .*\\(đã gửi thư\\)$`));
    const labels = await note.locator('dt').allTextContents();
    const values = await note.locator('dd').allTextContents();
    expect(labels.map((label, index) => [label, values[index]])).toEqual([
      ['Nguyên nhân', CAUSE],
      ['Phương án xử lý', PLAN],
      ['Thời gian dự kiến hoàn thành', EXPECTED_FIX_SHOWN],
    ]);
    // Still acknowledged by the operator after the note.
    expect(await page.locator(`li.incident[data-incident="${incidentId}"] .ack`).textContent()).toContain(OPERATOR.name);

    const response = await fetch(`${baseUrl}/api/incidents/${incidentId}`);
    const incident = (await response.json()) as IncidentJson;
    expect(incident.acknowledgedBy).toBe(OPERATOR.name);
    expect(incident.notes).toEqual([
      expect.objectContaining({ author: OPERATOR.name, text: ACK_NOTE, notify: true }),
      expect.objectContaining({ author: OPERATOR.name, cause: CAUSE, plan: PLAN, notify: true }),
    ]);

    const mailed = await waitForMail(smtp!, 'the note mail', (mail) => mail.parsed.subject?.startsWith('[CẬP NHẬT XỬ LÝ]') === true);
    expect(mailed.parsed.inReplyTo).toBe(incidentAnchorId(incidentId, MAIL_DOMAIN));
    expect(referencesOf(mailed)).toEqual(referencesOf(firing));
    expect(mailed.parsed.text).toContain(`Nguyên nhân: ${CAUSE}`);
    expect(mailed.parsed.text).toContain(`Phương án xử lý: ${PLAN}`);
    expect(mailed.parsed.text).toContain(`Thời gian dự kiến hoàn thành: ${EXPECTED_FIX_SHOWN}`);
    expect(String(mailed.parsed.html)).toContain(CAUSE);
    expect(String(mailed.parsed.html)).toContain(PLAN);

    const file = path.join(dir, 'duty-desk.png');
    // From the top: who is signed in, the checks, and the incident as the desk left it.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: file });
    const png = await readFile(file);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.length).toBeGreaterThan(10_000);
    if (process.env.DVC_SCREENSHOT) await copyFile(file, SCREENSHOT);
  });

  it('fits the operator’s forms on a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload({ waitUntil: 'load' });
    await page.locator(`li.incident[data-incident="${incidentId}"] details.desk-more summary`).click();
    const layout = await page.evaluate<{ scrollWidth: number; widest: number }>(`({
      scrollWidth: document.documentElement.scrollWidth,
      widest: Math.max(...[...document.querySelectorAll('.desk-form textarea, .desk-form input, .desk-form button, .desk-form select')]
        .filter((element) => element.type !== 'hidden' && element.getClientRects().length > 0)
        .map((element) => element.getBoundingClientRect().right)),
    })`);
    expect(layout.scrollWidth).toBe(390);
    // The fields are there and take the screen's width, none beyond it.
    expect(layout.widest).toBeGreaterThan(300);
    expect(layout.widest).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('keeps the login, the acknowledgement and the note in the audit log, for an operator', async () => {
    const basic = `Basic ${Buffer.from(`${OPERATOR.name}:${OPERATOR.password}`).toString('base64')}`;
    const response = await fetch(`${baseUrl}/api/audit`, { headers: { authorization: basic } });
    expect(response.status).toBe(200);
    const { entries } = (await response.json()) as AuditJson;
    // Newest first.
    expect(entries.map(({ user, action, target }) => ({ user, action, target }))).toEqual([
      { user: OPERATOR.name, action: 'note', target: incidentId },
      { user: OPERATOR.name, action: 'acknowledge', target: incidentId },
      { user: OPERATOR.name, action: 'login', target: expect.any(String) },
    ]);
    expect(entries.every((entry) => entry.address === '127.0.0.1')).toBe(true);
    // A viewer may not read it.
    const viewerBasic = `Basic ${Buffer.from(`${VIEWER.name}:${VIEWER.password}`).toString('base64')}`;
    expect((await fetch(`${baseUrl}/api/audit`, { headers: { authorization: viewerBasic } })).status).toBe(403);
  });

  it('logs the operator out, and shows a viewer the record without a single form', async () => {
    await Promise.all([page.waitForURL(`${baseUrl}/login`), page.click('form.account button[type="submit"]')]);
    expect(await operator.cookies(baseUrl)).toEqual([]);
    await page.goto(`${baseUrl}/`, { waitUntil: 'load' });
    expect(await page.locator('form[action^="/api/"]').count()).toBe(0);
    expect(await page.locator('a[href="/login"]').count()).toBe(1);

    const viewer = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const viewerPage = await viewer.newPage();
    viewerPage.setDefaultTimeout(15_000);
    await logIn(viewerPage, baseUrl, VIEWER);
    expect(await viewerPage.locator('form.account button').textContent()).toContain(VIEWER.name);
    const item = viewerPage.locator(`li.incident[data-incident="${incidentId}"]`);
    await item.waitFor();
    // The viewer reads who took the incident and what was recorded…
    expect(await item.locator('.ack').textContent()).toContain(`Đã tiếp nhận: ${OPERATOR.name}`);
    expect(await item.locator('li.note dd').allTextContents()).toEqual([ACK_NOTE, CAUSE, PLAN, EXPECTED_FIX_SHOWN]);
    // …but gets no form that acts: only the logout button posts anywhere.
    expect(await viewerPage.locator('form[action^="/api/"]').count()).toBe(0);
    const actions = await Promise.all((await viewerPage.locator('form').all()).map((form) => form.getAttribute('action')));
    expect(actions).toEqual(['/logout']);
    expect(await viewerPage.locator('details.desk-more').count()).toBe(0);
    await viewer.close();

    // Logins of both, and never a password or a hash in the daemon's log.
    const log = daemon!.stdout() + daemon!.stderr();
    for (const secret of [OPERATOR.password, VIEWER.password, operatorHash, viewerHash]) expect(log).not.toContain(secret);
  });
});
