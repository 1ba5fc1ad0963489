// Global setup of the adversarial suite: compiles the daemon as it ships (tsconfig.build.json) for
// the cases that measure its memory, starts an empty figures file, and prints every case's line
// together when the run ends, whatever passed or failed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export default function setup(): () => void {
  const dist = process.env.DVC_ADVERSARIAL_DIST;
  if (dist !== undefined) {
    rmSync(dist, { recursive: true, force: true });
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', dist, '--sourceMap', 'false'], { stdio: 'inherit' });
  }
  const file = process.env.DVC_ADVERSARIAL_FIGURES;
  if (file !== undefined) writeFileSync(file, '');
  return () => {
    if (file === undefined || !existsSync(file)) return;
    const lines = readFileSync(file, 'utf8').trim();
    process.stdout.write(`\nadversarial figures (${file}):\n${lines === '' ? '(none)' : lines}\n`);
  };
}
