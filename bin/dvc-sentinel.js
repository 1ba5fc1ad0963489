#!/usr/bin/env node
// Runs the compiled CLI when `npm run build` has produced dist/, else the TypeScript sources via tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiledUrl = new URL('../dist/cli.js', import.meta.url);
if (existsSync(fileURLToPath(compiledUrl))) {
  await import(compiledUrl.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
