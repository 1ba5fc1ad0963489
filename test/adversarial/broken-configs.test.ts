// A corpus of broken configs (test/adversarial/configs/, one mistake or attack each, its first line
// saying which): `check` refuses each with exit 2 and the file:line:col of the mistake (the command
// in process, for all of them), and for one in six, the compiled CLI's `check` and `run`, each in an
// empty directory of its own, refuse it the same way, `run` before starting anything (no store, no
// outbox directory, no "started" line). Every file through the CLI twice would take minutes of a
// loaded two-core machine for the same verdicts.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { checkCommand } from '../../src/commands/check.ts';
import { compiledCli, reportFigures } from './figures.ts';

const CORPUS = fileURLToPath(new URL('configs/', import.meta.url));

/** Where each file must be refused (line:col of the mistake), and what the message must say. */
const EXPECTED: Readonly<Record<string, { at: string; says: RegExp }>> = {
  '01-empty-file': { at: '1:1', says: /at least "checks:"/ },
  '02-only-comments': { at: '1:1', says: /at least "checks:"/ },
  '03-binary-garbage': { at: '2:1', says: /expected a map of settings/ },
  '04-tab-indentation': { at: '3:1', says: /Tabs are not allowed/ },
  // The YAML library's resource guards stop the document as a whole; it names its start.
  '05-alias-bomb': { at: '1:1', says: /resource exhaustion/ },
  '06-unknown-alias': { at: '1:1', says: /Unresolved alias/ },
  '07-merge-key-scalar': { at: '1:1', says: /Merge sources must be maps/ },
  '08-duplicate-key-in-check': { at: '7:5', says: /duplicate key "url"/ },
  '09-top-level-scalar': { at: '2:1', says: /expected a map of settings/ },
  '10-checks-is-a-map': { at: '3:3', says: /expected a list/ },
  '11-check-is-a-string': { at: '3:5', says: /expected a map/ },
  '12-name-with-markup': { at: '3:13', says: /must be 1-63 characters/ },
  '13-name-too-long': { at: '3:13', says: /must be 1-63 characters/ },
  '14-name-with-newline': { at: '3:13', says: /must be 1-63 characters/ },
  '15-negative-interval': { at: '7:15', says: /is not a duration/ },
  '16-interval-overflow': { at: '7:15', says: /is not a duration/ },
  '17-interval-zero': { at: '2:23', says: /must be longer than 0/ },
  '18-timeout-words': { at: '7:14', says: /is not a duration/ },
  '19-url-javascript': { at: '3:68', says: /must be an http:\/\/ or https:\/\/ URL/ },
  '20-url-file': { at: '3:68', says: /must be an http:\/\/ or https:\/\/ URL/ },
  // Any column of line 3: where in the URL the credentials are pointed at is the refusal's to choose.
  '21-url-credentials': { at: '3:', says: /auth/ },
  '22-url-broken-ipv6': { at: '3:68', says: /must be an http:\/\/ or https:\/\/ URL/ },
  '23-url-port-too-big': { at: '3:68', says: /must be an http:\/\/ or https:\/\/ URL/ },
  '24-header-crlf': { at: '3:118', says: /must not contain line breaks or control characters/ },
  '25-tcp-without-port': { at: '3:5', says: /missing required key "port"/ },
  '26-listen-port-too-big': { at: '2:19', says: /the port must be 0-65535/ },
  '27-env-file-missing': { at: '7:31', says: /cannot read the secret file/ },
  '28-env-unset': { at: '7:31', says: /DVC_ADVERSARIAL_NEVER_SET is not set/ },
  '29-max-body-negative': { at: '7:29', says: /must be at least 0/ },
  '30-max-body-absurd': { at: '7:29', says: /is not a size/ },
  '31-status-999': { at: '7:29', says: /must be at most 599/ },
  '32-json-path-broken': { at: '7:30', says: /JSON path \$\.\.\[ is malformed/ },
  '33-regex-broken': { at: '7:49', says: /not a valid regular expression/ },
  '34-env-unclosed': { at: '3:118', says: /"\$\{" is never closed/ },
  '35-url-newline': { at: '3:68', says: /must not contain spaces, tabs, line breaks/ },
  '37-retention-too-short': { at: '2:30', says: /must be at least 1h/ },
  '38-mail-address': { at: '5:10', says: /must be an e-mail address/ },
  '39-smtp-port-words': { at: '4:36', says: /expected a number/ },
  '40-depends-on-itself': { at: '7:17', says: /cannot depend on itself/ },
  '41-depends-on-unknown': { at: '7:17', says: /no check named "cong-khong-ton-tai"/ },
  '42-duplicate-names': { at: '4:13', says: /duplicate check name "portal-home"; first used at line 3/ },
  '43-deep-nesting': { at: '2:797', says: /YAML/ },
  '44-two-documents': { at: '4:1', says: /more than one YAML document/ },
  '45-null-check': { at: '3:5', says: /expected a map, got an empty value/ },
  '46-empty-checks': { at: '2:9', says: /needs at least one check/ },
  '47-unknown-top-key-typo': { at: '2:1', says: /unknown key "alerts"/ },
  '48-timeout-over-interval': { at: '8:14', says: /longer than interval 5s/ },
  '49-unknown-kind-markup': { at: '3:57', says: /unknown kind/ },
  '50-many-broken-checks': { at: '302:65', says: /"ftp:\/\/dichvucong.gov.vn\/299" must be an http:\/\/ or https:\/\/ URL/ },
};

const workDirs: string[] = [];
afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly left: string[];
}

/** Runs the compiled CLI in a fresh empty directory; `left` is what it leaves there. */
function runIn(args: string[]): Promise<Outcome> {
  const cwd = mkdtempSync(join(tmpdir(), 'dvc-broken-'));
  workDirs.push(cwd);
  return new Promise((resolve) => {
    execFile(process.execPath, [...compiledCli(), ...args], { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr, left: readdirSync(cwd) });
    });
  });
}

/** At most `limit` at once: the CLI's start-up is most of each run. */
async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

it('refuses every broken config at its line and column, with exit 2, in `check` and before `run` starts anything', async () => {
  const files = readdirSync(CORPUS)
    .filter((file) => file.endsWith('.yaml'))
    .sort();
  expect(files.length).toBeGreaterThanOrEqual(40);
  expect(files.map((file) => file.replace(/\.yaml$/, ''))).toEqual(Object.keys(EXPECTED).sort());

  const started = performance.now();
  const inProcess = files.map((file) => {
    const path = join(CORPUS, file);
    const lines: string[] = [];
    const code = checkCommand({ config: path }, { stdout: (line) => lines.push(line), stderr: (line) => lines.push(line) }, {});
    return { file, path, code, stderr: lines.join('\n') };
  });
  const sampled = files.filter((_, index) => index % 6 === 0);
  const throughCli = await inBatches(sampled, 2, async (file) => {
    const path = join(CORPUS, file);
    return { file, path, check: await runIn(['check', '--config', path]), run: await runIn(['run', '--config', path]) };
  });
  const seconds = (performance.now() - started) / 1000;

  const wrong: string[] = [];
  const problemsOf = (file: string, path: string, command: string, outcome: Pick<Outcome, 'code' | 'stderr'> & Partial<Outcome>): string[] => {
    const expected = EXPECTED[file.replace(/\.yaml$/, '')]!;
    const problems: string[] = [];
    if (outcome.code !== 2) problems.push(`${command} exited ${outcome.code}`);
    if (!outcome.stderr.includes(`${path}:${expected.at}`)) problems.push(`${command} did not name ${expected.at}`);
    if (!expected.says.test(outcome.stderr)) problems.push(`${command} did not say ${expected.says}`);
    if (outcome.left !== undefined && outcome.left.length > 0) problems.push(`${command} left ${outcome.left.join(', ')} behind`);
    if (outcome.stdout?.includes('dvc-sentinel started')) problems.push(`${command} started`);
    if (file.startsWith('21-') && /MatKhau123/.test(outcome.stderr)) problems.push(`${command} repeated the password`);
    return problems;
  };
  let refused = 0;
  for (const { file, path, code, stderr } of inProcess) {
    const problems = problemsOf(file, path, 'check', { code, stderr });
    if (problems.length === 0) refused++;
    else wrong.push(`${file}: ${problems.join('; ')}\n  ${stderr.split('\n')[0]?.slice(0, 200)}`);
  }
  for (const { file, path, check, run } of throughCli) {
    const problems = [...problemsOf(file, path, 'CLI check', check), ...problemsOf(file, path, 'CLI run', run)];
    if (problems.length > 0) wrong.push(`${file}: ${problems.join('; ')}\n  ${run.stderr.split('\n')[0]?.slice(0, 200)}`);
  }

  reportFigures(
    'broken-configs',
    `${refused} of ${files.length} refused by check with file:line:col and exit 2; ${sampled.length} of them also through the CLI's check and run, ` +
      `nothing started or left behind; ${seconds.toFixed(0)} s`,
  );
  expect(wrong).toEqual([]);
});
