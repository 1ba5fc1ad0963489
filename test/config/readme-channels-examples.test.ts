// Every YAML example of README "## Channels" is a config `dvc-sentinel check` accepts, completed
// only with what any config has (a store, the checks the example names) and its secrets provided.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/config/load-config.ts';

const README = new URL('../../README.md', import.meta.url);
const SECRET_FILE = '/etc/dvc-sentinel/zalo-token';

async function channelExamples(): Promise<string[]> {
  const readme = await readFile(README, 'utf8');
  const section = readme.slice(readme.indexOf('\n## Channels\n'), readme.indexOf('\n## ', readme.indexOf('\n## Channels\n') + 1));
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dvc-readme-channels-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('README ## Channels examples', () => {
  it('are each accepted by the config loader', async () => {
    const examples = await channelExamples();
    expect(examples.length).toBeGreaterThanOrEqual(5);
    await writeFile(join(dir, 'zalo-token'), '3171829:token\n');
    const refused: string[] = [];
    for (const [index, example] of examples.entries()) {
      const config = parse(example.split(SECRET_FILE).join(join(dir, 'zalo-token'))) as Record<string, unknown>;
      const named = ((config['checks'] as { name: string }[] | undefined) ?? []).map((check) => ({ ...check }));
      const checks = [{ name: 'dvc-tinh-home' }, ...named].map((check) => ({ system: 'dvc-tinh', kind: 'http', url: 'http://127.0.0.1:9/', ...check }));
      const file = join(dir, `example-${index + 1}.yaml`);
      await writeFile(file, stringify({ storage: { path: join(dir, 'sentinel.db') }, ...config, checks }));
      try {
        loadConfig(file, { IOC_TOKEN: 'ioc', SMS_API_KEY: 'key', ZALO_TOKEN: 'zalo' });
      } catch (error) {
        refused.push(`example ${index + 1}: ${JSON.stringify((error as { issues?: unknown }).issues ?? String(error))}`);
      }
    }
    expect(refused).toEqual([]);
  });
});
