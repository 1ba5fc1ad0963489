// System test: the portal simulator, a real dvc-sentinel daemon (child process) probing it, and a
// real headless Chromium (Debian package `chromium`, driven by playwright-core) opening the status
// page at "/". Shows that the page lists every check and the summary, follows an outage, renders
// Vietnamese text correctly and turns into cards on a phone-sized screen.
// Everything listens on 127.0.0.1 ports chosen by the OS; everything is stopped at the end.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_PAGE_TITLE } from '../../src/server/status-page.ts';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import { stopChild, startCli, type CliProcess } from '../support/cli-process.ts';
import { findExecutable, isRunnable, requireExecutable } from '../support/run-executable.ts';
import { simulatorConfig } from '../support/simulator-config.ts';

const CHECKS = ['national-home', 'national-tcp', 'national-tls', 'quantricong-login', 'provincial-login', 'provincial-hostile-text', 'hoso-sync'] as const;
// Never in the simulator's page, so the probe's failure message quotes it back: markup from a probed
// endpoint, on its way to the browser.
const HOSTILE_TEXT = `<img id="injected" src=x onerror="document.title='pwned'">`;
// The flags verified with Debian's chromium in a container (no sandbox, no GPU, small /dev/shm, no calls home).
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the page shows, read from the rendered DOM the way a person would read it. */
interface PageView {
  readonly rows: { check: string; status: string; badge: string }[];
  readonly summary: Record<string, { count: number; word: string }>;
  readonly incidents: string[];
}

async function readView(page: Page): Promise<PageView> {
  const rows: PageView['rows'] = [];
  for (const row of await page.locator('tr.check').all()) {
    rows.push({
      check: (await row.locator('.name').textContent()) ?? '',
      status: (await row.getAttribute('data-status')) ?? '',
      badge: (await row.locator('.badge').textContent()) ?? '',
    });
  }
  const summary: PageView['summary'] = {};
  for (const item of await page.locator('.summary li').all()) {
    summary[(await item.getAttribute('data-status')) ?? ''] = {
      count: Number(await item.locator('.count').textContent()),
      word: (await item.locator('.word').textContent()) ?? '',
    };
  }
  const incidents = await Promise.all((await page.locator('li.incident').all()).map(async (item) => (await item.getAttribute('data-check')) ?? ''));
  return { rows, summary, incidents };
}

/** Reloads until ok accepts what the page shows; the error says what was last seen. */
async function reloadUntil(page: Page, what: string, ok: (view: PageView) => boolean, timeoutMs = 60_000): Promise<PageView> {
  const deadline = Date.now() + timeoutMs;
  let view = await readView(page);
  while (!ok(view)) {
    if (Date.now() > deadline) throw new Error(`${what} not shown within ${timeoutMs} ms; last: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await page.reload({ waitUntil: 'load' });
    view = await readView(page);
  }
  return view;
}

async function expectPng(file: string): Promise<void> {
  const png = await readFile(file);
  expect(png.length).toBeGreaterThan(10_000);
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
}

const chromiumBinary = findExecutable('chromium');

// chromium comes from the Debian package `chromium`; without it this test is skipped on a
// developer machine and fails under CI.
describe.skipIf(!isRunnable(chromiumBinary))('the status page in a real browser', () => {
  let dir: string;
  let sim: Simulator | undefined;
  let daemon: CliProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let pageUrl: string;

  beforeAll(async () => {
    const executablePath = requireExecutable(chromiumBinary, 'chromium', 'chromium');
    dir = await mkdtemp(path.join(tmpdir(), 'dvc-system-status-page-'));
    sim = await startSimulator({ basePort: 0, certDir: path.join(dir, 'sim') });
    const configFile = path.join(dir, 'sentinel.yaml');
    await writeFile(
      configFile,
      simulatorConfig(sim, dir, [
        { name: 'provincial-hostile-text', system: 'provincial', kind: 'http', url: `${sim.urls.provincial}/`, expect: { bodyContains: HOSTILE_TEXT } },
      ]),
    );
    daemon = startCli(['run', '--config', configFile]);
    const started = await daemon.waitForLog((line) => line.msg === 'dvc-sentinel started', 30_000);
    pageUrl = `${String(started.url)}/`;

    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    if (daemon) await stopChild(daemon.child);
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows every check under its system and a summary that adds up, with Vietnamese text intact', async () => {
    const response = await page.goto(pageUrl, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(await page.title()).toBe(STATUS_PAGE_TITLE);
    // Evaluated as a string: the project compiles without the DOM library.
    expect(await page.evaluate<string>('document.characterSet')).toBe('UTF-8');
    expect(await page.locator('h1').textContent()).toBe('Giám sát Cổng Dịch vụ công — dvc-sentinel');
    expect(await page.locator('.meta').textContent()).toContain('Điểm giám sát: system-test');

    const view = await reloadUntil(
      page,
      'a result for every check',
      (current) => current.rows.length === CHECKS.length && current.rows.every((row) => row.status !== 'unknown'),
    );
    expect(view.rows.map((row) => row.check).sort()).toEqual([...CHECKS].sort());
    const home = view.rows.find((row) => row.check === 'national-home');
    expect(home).toEqual({ check: 'national-home', status: 'ok', badge: 'Bình thường' });

    expect(Object.keys(view.summary).sort()).toEqual(['critical', 'ok', 'unknown', 'warning']);
    expect(view.summary.ok?.word).toBe('Bình thường');
    expect(view.summary.warning?.word).toBe('Cảnh báo');
    expect(view.summary.critical?.word).toBe('Sự cố');
    expect(view.summary.unknown?.word).toBe('Chưa rõ');
    for (const [status, { count }] of Object.entries(view.summary)) {
      expect(count, status).toBe(view.rows.filter((row) => row.status === status).length);
    }

    const systems = await page.locator('tr.system th').allTextContents();
    expect(systems).toEqual([
      'Cổng DVC quốc gia (national-portal)',
      'Hệ thống điều phối (quantricong) (quantricong)',
      'Hệ thống TTHC tỉnh (provincial)',
      'Đồng bộ hồ sơ (sync)',
    ]);
    // The quoted markup is shown as text and never becomes an element.
    expect(view.rows.find((row) => row.check === 'provincial-hostile-text')?.badge).toBe('Sự cố');
    expect(await page.locator('tr[data-check="provincial-hostile-text"] .message').textContent()).toContain(HOSTILE_TEXT);
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.title()).toBe(STATUS_PAGE_TITLE);

    const certificate = await page.locator('tr[data-check="national-tls"] td[data-label="Chứng chỉ"]').textContent();
    expect(certificate).toMatch(/^còn \d+ ngày/);
    await page.screenshot({ path: path.join(dir, 'healthy.png'), fullPage: true });
    await expectPng(path.join(dir, 'healthy.png'));
  });

  it('shows the national portal as Sự cố, with an open incident, after the simulator takes it down', async () => {
    sim!.setScenario('portal-down', true);
    await sim!.settle();
    const view = await reloadUntil(
      page,
      'national-home as Sự cố with an open incident',
      (current) => current.rows.some((row) => row.check === 'national-home' && row.badge === 'Sự cố') && current.incidents.includes('national-home'),
    );
    expect(view.rows.find((row) => row.check === 'national-home')?.status).toBe('critical');
    expect(view.summary.critical?.count).toBeGreaterThanOrEqual(1);
    // Only the portal is down: the other systems stay as they were.
    expect(view.rows.filter((row) => row.check === 'quantricong-login' || row.check === 'provincial-login').map((row) => row.badge)).toEqual([
      'Bình thường',
      'Bình thường',
    ]);
    const incident = await page.locator('li.incident[data-check="national-home"]').textContent();
    expect(incident).toContain('Nghiêm trọng');
    expect(incident).toContain('Phát hiện lúc');

    const file = path.join(dir, 'portal-down.png');
    await page.screenshot({ path: file, fullPage: true });
    await expectPng(file);
  });

  it('turns the table into cards on a phone-sized screen, with nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload({ waitUntil: 'load' });
    const layout = await page.evaluate<{ headerDisplay: string; rowDisplay: string; label: string; scrollWidth: number }>(`({
      headerDisplay: getComputedStyle(document.querySelector('.checks thead')).display,
      rowDisplay: getComputedStyle(document.querySelector('tr.check')).display,
      label: getComputedStyle(document.querySelector('tr.check td'), '::before').content,
      scrollWidth: document.documentElement.scrollWidth,
    })`);
    expect(layout).toEqual({ headerDisplay: 'none', rowDisplay: 'block', label: '"Tình trạng"', scrollWidth: 390 });
    const file = path.join(dir, 'phone.png');
    await page.screenshot({ path: file, fullPage: true });
    await expectPng(file);
  });
});
