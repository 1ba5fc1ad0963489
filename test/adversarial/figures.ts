// One line of figures per adversarial case: printed at once and appended to the run's figures
// file, which the global setup prints again as one block when the suite ends (the README's
// reliability table is copied from that block).
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Prints `name: figures` and keeps it for the end-of-run summary. */
export function reportFigures(name: string, figures: string): void {
  const line = `${name}: ${figures}`;
  console.log(line);
  const file = process.env.DVC_ADVERSARIAL_FIGURES;
  if (file !== undefined) appendFileSync(file, `${line}\n`);
}

/** How to start the compiled CLI built by the global setup (the sources through tsx if absent). */
export function compiledCli(): string[] {
  const dist = process.env.DVC_ADVERSARIAL_DIST;
  return dist === undefined ? ['--import', 'tsx', fileURLToPath(new URL('../../src/cli.ts', import.meta.url))] : [`${dist}/cli.js`];
}
