#!/usr/bin/env node
// Parses argv, dispatches to commands/, maps errors to exit codes. Nothing else.
import { parseArgs } from 'node:util';
import { VERSION } from './config/config.ts';
import { ConfigError, formatConfigIssue } from './config/config-error.ts';
import { createLogger } from './log.ts';
import { DeskUsageError } from './commands/desk-usage-error.ts';
import { parseShardFlag, type Shard } from './config/shard.ts';
import { CatalogueUsageError } from './commands/catalogue-usage-error.ts';
// Each command is loaded when it runs: the simulator's mock server (msw, graphql) alone costs
// about 100 ms of start-up that `run` and `check` do not need.

const USAGE = `dvc-sentinel ${VERSION} — giám sát Cổng Dịch vụ công quốc gia và hệ thống TTHC tỉnh

Usage:
  dvc-sentinel run      [--config FILE] [--pretty] [--log-level LEVEL]   the daemon (SIGHUP reloads)
                        [--fresh-store]                                  a corrupt store is moved aside, not fatal
                        [--shard I/N]                                    run only shard I (from 0) of N of the checks
  dvc-sentinel test-email [--config FILE]                                send one test mail, print the SMTP outcome
  dvc-sentinel test-notify [--config FILE] --channel NAME                send one test message through a webhook, Zalo or SMS channel
  dvc-sentinel check    [--config FILE]                                  validate the config; no network I/O
  dvc-sentinel once     [--config FILE] [--json] [--check NAME]...       probe every check once, print a table
                        [--shard I/N]                                    only the checks shard I of N runs
  dvc-sentinel report   [--config FILE] [--name NAME] [--date YYYY-MM-DD | --from ISO --to ISO]
                        [--format html|text|csv|json|docx] [--out FILE] [--send]  the report for a window, from the store;
                        --send mails it now (only while the monitor is not running)
  dvc-sentinel backup   [--config FILE] --out PATH                       a consistent copy of the store, also while the daemon runs
  dvc-sentinel simulate [--base-port 18080] [--timeline demo]            local simulator of the portals
  dvc-sentinel demo                                                      simulator + daemon on config/demo.yaml
  dvc-sentinel incident list [--state open|all] [--since ISO]            the duty desk, through the running daemon's API
  dvc-sentinel incident show|ack|resolve ID [--note TEXT] [--result TEXT]
  dvc-sentinel incident note ID [--cause T] [--plan T] [--expected-fix ISO] [--result T] [--text T] [--notify]
  dvc-sentinel incident open --title T --system S [--severity warning|critical] [--description T] --reported-by WHO
  dvc-sentinel maintenance start [--name N] [--check C]... [--system S]... [--reason T] [--until ISO]
  dvc-sentinel maintenance end ID
                        incident and maintenance take [--url URL] [--json]; the URL defaults to --config's
                        server.listen, else http://127.0.0.1:9464; credentials from DVC_SENTINEL_TOKEN,
                        or DVC_SENTINEL_USER and DVC_SENTINEL_PASSWORD
  dvc-sentinel catalogue crawl --check NAME [--config FILE]               crawl a catalogue check now and store the snapshot
  dvc-sentinel catalogue diff --check NAME [--from DATE --to DATE] [--format table|csv|json]
                        the last two snapshots (or those of the dates) compared, and the provincial export
  dvc-sentinel catalogue export --check NAME [--format csv|xlsx|json] [--out FILE]   the newest snapshot
  dvc-sentinel hash-password                                             hash a password or API token read from stdin, for access:
  dvc-sentinel version

FILE defaults to config/monitor.yaml. Exit codes: 0 ok, 1 a check is critical (once) or the daemon is unreachable,
2 bad config, usage or input refused, 3 not logged in or not allowed, 4 no such incident or maintenance.`;

const DEFAULT_CONFIG = 'config/monitor.yaml';

const io = {
  stdout: (line: string) => process.stdout.write(`${line}\n`),
  stderr: (line: string) => process.stderr.write(`${line}\n`),
};

async function main(argv: string[]): Promise<number | undefined> {
  const [command = 'help', ...rest] = argv;
  // `dvc-sentinel incident --help` is how people ask; the usage names every command's flags.
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  const desk = command === 'incident' || command === 'maintenance';
  const catalogue = command === 'catalogue';
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string', short: 'c', default: DEFAULT_CONFIG },
      json: { type: 'boolean', default: false },
      pretty: { type: 'boolean', default: false },
      'log-level': { type: 'string' },
      'fresh-store': { type: 'boolean', default: false },
      check: { type: 'string', multiple: true },
      'base-port': { type: 'string' },
      timeline: { type: 'string' },
      host: { type: 'string' },
      name: { type: 'string' },
      date: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      send: { type: 'boolean', default: false },
      url: { type: 'string' },
      state: { type: 'string' },
      since: { type: 'string' },
      note: { type: 'string' },
      cause: { type: 'string' },
      plan: { type: 'string' },
      'expected-fix': { type: 'string' },
      result: { type: 'string' },
      text: { type: 'string' },
      notify: { type: 'boolean', default: false },
      title: { type: 'string' },
      channel: { type: 'string' },
      system: { type: 'string', multiple: true },
      severity: { type: 'string' },
      description: { type: 'string' },
      'reported-by': { type: 'string' },
      reason: { type: 'string' },
      until: { type: 'string' },
      shard: { type: 'string' },
    },
    // Only the desk's commands take a subcommand and an id.
    allowPositionals: desk || catalogue,
    strict: true,
  });
  let secrets: readonly string[] = [];
  // `once` and `report` print their output on stdout; their log lines go to stderr so the two never mix.
  const printsOutput =
    command === 'once' || command === 'backup' || command === 'test-email' || command === 'test-notify' || command === 'report' || desk || catalogue;
  const log = createLogger({
    level: values['log-level'] ?? (printsOutput ? 'warn' : 'info'),
    pretty: values.pretty,
    secrets: () => secrets,
    destination: printsOutput ? process.stderr : undefined,
  });
  switch (command) {
    case 'run': {
      const { runCommand } = await import('./commands/run.ts');
      await runCommand({ config: values.config, freshStore: values['fresh-store'], shard: shardOf(values.shard) }, log, {
        onSecrets: (next) => (secrets = next),
      });
      return undefined;
    }
    case 'check': {
      const { checkCommand } = await import('./commands/check.ts');
      return checkCommand({ config: values.config }, io);
    }
    case 'test-email': {
      const { testEmailCommand } = await import('./commands/test-email.ts');
      return testEmailCommand({ config: values.config }, io, log);
    }
    case 'test-notify': {
      const { testNotifyCommand } = await import('./commands/test-notify.ts');
      return testNotifyCommand({ config: values.config, channel: values.channel }, io);
    }
    case 'once': {
      const { onceCommand } = await import('./commands/once.ts');
      return onceCommand({ config: values.config, json: values.json, only: values.check, shard: shardOf(values.shard) }, io, log, {
        onSecrets: (next) => (secrets = next),
      });
    }
    case 'report': {
      const { reportCommand } = await import('./commands/report.ts');
      return reportCommand(
        {
          config: values.config,
          name: values.name,
          date: values.date,
          from: values.from,
          to: values.to,
          format: values.format,
          out: values.out,
          send: values.send,
        },
        io,
        log,
      );
    }
    case 'backup': {
      if (values.out === undefined || values.out === '') throw new UsageError('backup needs --out PATH');
      const { backupCommand } = await import('./commands/backup.ts');
      return backupCommand({ config: values.config, out: values.out }, io);
    }
    case 'incident': {
      const { incidentCommand } = await import('./commands/incident.ts');
      const system = values.system ?? [];
      if (system.length > 1) throw new UsageError('incident open takes one --system');
      return incidentCommand(
        {
          ...deskOptions(rest, values, positionals),
          state: values.state,
          since: values.since,
          note: values.note,
          cause: values.cause,
          plan: values.plan,
          expectedFix: values['expected-fix'],
          result: values.result,
          text: values.text,
          notify: values.notify,
          title: values.title,
          system: system[0],
          severity: values.severity,
          description: values.description,
          reportedBy: values['reported-by'],
        },
        io,
      );
    }
    case 'maintenance': {
      const { maintenanceCommand } = await import('./commands/maintenance.ts');
      return maintenanceCommand(
        {
          ...deskOptions(rest, values, positionals),
          name: values.name,
          checks: values.check,
          systems: values.system,
          reason: values.reason,
          until: values.until,
        },
        io,
      );
    }
    case 'demo': {
      const { demoCommand } = await import('./commands/demo.ts');
      await demoCommand(
        { config: values.config === DEFAULT_CONFIG ? 'config/demo.yaml' : values.config, basePort: basePortOf(values['base-port']), timeline: values.timeline },
        io,
        log,
        { onSecrets: (next) => (secrets = next) },
      );
      return undefined;
    }
    case 'simulate': {
      const { simulateCommand } = await import('./commands/simulate.ts');
      const basePort = basePortOf(values['base-port']);
      const simulator = await simulateCommand({ host: values.host, basePort, timeline: values.timeline }, io, log);
      const close = () => void simulator.close().then(() => process.exit(0));
      process.once('SIGINT', close);
      process.once('SIGTERM', close);
      return undefined;
    }
    case 'catalogue': {
      const { catalogueCommand } = await import('./commands/catalogue.ts');
      if (positionals.length > 1) throw new UsageError(`catalogue takes one action, not "${positionals.join(' ')}"`);
      if ((values.check ?? []).length > 1) throw new UsageError('catalogue takes one --check');
      const stop = new AbortController();
      // Ctrl-C or SIGTERM stops a crawl between requests; its snapshot resumes on the next crawl.
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      return catalogueCommand(
        { action: positionals[0], config: values.config, check: values.check?.[0], from: values.from, to: values.to, format: values.format, out: values.out },
        io,
        log,
        stop.signal,
      );
    }
    case 'hash-password': {
      const { hashPasswordCommand } = await import('./commands/hash-password.ts');
      return hashPasswordCommand(io);
    }
    case 'version':
    case '--version':
      io.stdout(VERSION);
      return 0;
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

/** What the desk's commands share; the config is read for its listen address only when --config was given. */
function deskOptions(args: readonly string[], values: { url?: string; config: string; json: boolean }, positionals: string[]) {
  const configGiven = args.some((arg) => arg === '--config' || arg === '-c' || arg.startsWith('--config=') || (arg.startsWith('-c') && arg.length > 2));
  return { positionals, url: values.url, config: configGiven ? values.config : undefined, json: values.json };
}

function shardOf(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  try {
    return parseShardFlag(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function basePortOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError('--base-port must be a port number');
  return port;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      for (const issue of error.issues) io.stderr(formatConfigIssue(issue));
      io.stderr(`config not loaded: ${error.issues.length} error${error.issues.length === 1 ? '' : 's'}`);
      process.exitCode = 2;
    } else if (
      error instanceof UsageError ||
      error instanceof DeskUsageError ||
      error instanceof CatalogueUsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr(`${(error as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      io.stderr(`dvc-sentinel: ${(error as Error).message ?? String(error)}`);
      process.exitCode = 1;
    }
  },
);
