// `npm run bench`: every benchmark in turn, each as its own process so one's memory and JIT state
// do not colour the next. Arguments after `--` go to each benchmark.
import { spawnSync } from 'node:child_process';

const benchmarks = [
  ['scheduler-lag.ts', '--checks', '1000', '--interval', '1s', '--seconds', '60'],
  ['render-metrics.ts', '--checks', '1000'],
  ['render-metrics.ts', '--checks', '10000'],
];
// Benchmarks measure the compiled daemon, as deployed.
const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
let failed = false;
for (const [file, ...args] of benchmarks) {
  process.stdout.write(`\n## ${file} ${args.join(' ')}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', new URL(file!, import.meta.url).pathname, ...args, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
