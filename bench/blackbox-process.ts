// Debian's prometheus-blackbox-exporter as a process started by hand (not by systemd) on
// 127.0.0.1, with a generated config: http_2xx for plain HTTP, https_2xx verifying the bench CA.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { findFreePort } from './find-free-port.ts';
import { stopChild } from '../test/support/cli-process.ts';
import { forwardOutput, removeOnExit, spawnTracked } from './process-cleanup.ts';

export const BLACKBOX_BINARY = '/usr/bin/prometheus-blackbox-exporter';
export const BLACKBOX_MODULES = { http: 'http_2xx', https: 'https_2xx' } as const;

export interface BlackboxProcess {
  readonly pid: number;
  readonly url: string;
  /** Milliseconds from SIGTERM to exit. */
  stop(): Promise<number>;
}

/** Installs the Debian package when the binary is missing; throws a message saying what to do when it cannot. */
export function ensureBlackboxInstalled(): void {
  if (existsSync(BLACKBOX_BINARY)) return;
  process.stderr.write(`${BLACKBOX_BINARY} is missing; installing the Debian package prometheus-blackbox-exporter…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus-blackbox-exporter'], { stdio: 'inherit', env, timeout: 600_000 });
  // A fresh machine may not have package lists yet.
  if (install().status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env, timeout: 600_000 });
    install();
  }
  if (!existsSync(BLACKBOX_BINARY)) {
    throw new Error(
      `could not install prometheus-blackbox-exporter (apt-get install -y prometheus-blackbox-exporter failed; it needs root and a Debian mirror). Install it by hand, or run the benchmark without the comparison (--only lag,render,soak).`,
    );
  }
}

/** "0.23.0", or "unknown" when --version says nothing readable. */
export function readBlackboxVersion(): string {
  const output = spawnSync(BLACKBOX_BINARY, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return /version (\S+)/.exec(`${output.stdout}${output.stderr}`)?.[1] ?? 'unknown';
}

export function renderBlackboxConfig(caFile: string | undefined): string {
  const lines = ['modules:', `  ${BLACKBOX_MODULES.http}:`, '    prober: http', '    timeout: 5s', '    http:', '      preferred_ip_protocol: ip4'];
  if (caFile !== undefined) {
    lines.push(
      `  ${BLACKBOX_MODULES.https}:`,
      '    prober: http',
      '    timeout: 5s',
      '    http:',
      '      preferred_ip_protocol: ip4',
      '      fail_if_not_ssl: true',
      '      tls_config:',
      `        ca_file: ${JSON.stringify(caFile)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function startBlackbox(options: { caFile?: string }): Promise<BlackboxProcess> {
  ensureBlackboxInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'dvc-bench-blackbox-'));
  const cleanup = removeOnExit(dir);
  const configFile = join(dir, 'blackbox.yml');
  writeFileSync(configFile, renderBlackboxConfig(options.caFile));
  const port = await findFreePort();
  // Its default listen address is 0.0.0.0: always pass a loopback one.
  const child = spawnTracked(BLACKBOX_BINARY, [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  forwardOutput(child.stdout, 'blackbox');
  forwardOutput(child.stderr, 'blackbox');
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus-blackbox-exporter exited with code ${child.exitCode} at start (config ${configFile})`);
    if (performance.now() > deadline) throw new Error(`prometheus-blackbox-exporter did not answer /-/healthy within 20 s on ${url}`);
    try {
      const response = await request(`${url}/-/healthy`, { headersTimeout: 2000, bodyTimeout: 2000 });
      await response.body.dump();
      if (response.statusCode === 200) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    pid: child.pid!,
    url,
    async stop() {
      const ms = await stopChild(child, 10_000);
      cleanup.removeNow();
      return ms;
    },
  };
}
