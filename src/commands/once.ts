// `once`: probe every check one time and print what was seen — what a technician runs on
// cut-over night. Exit 1 when any check is critical, 2 when the config is invalid. The table is in
// the config's locale (alerting.locale, Vietnamese by default); --json, for scripts, keeps stable
// keys and values and carries the English text with the message's code and parameters.
import type { Logger } from 'pino';
import type { Locale } from '../config/alerting-config.ts';
import { systemClock } from '../clock.ts';
import { recordInMap, runCheck } from '../checks/run-check.ts';
import type { Check } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { applyShard, type Shard } from '../config/shard.ts';
import { createAuthBroker } from '../probes/auth/auth-broker.ts';
import { createSecretScrubber, SCRUBBED } from '../scrub-secrets.ts';
import { formatSeconds } from '../probes/format.ts';
import { PHASES, type Lookup, type ProbeResult } from '../probes/probe.ts';
import { createSemaphore } from '../scheduler/semaphore.ts';
import type { CheckState } from '../state/check-state.ts';
import { describeTarget } from '../state/status-snapshot.ts';
import { formatDuration } from '../text/format-duration.ts';
import { formatNumber } from '../text/format-number.ts';
import { wordsFor } from '../text/locale.ts';
import { describeProbeMessage } from '../text/probe-message.ts';

export interface OnceOptions {
  readonly config: string;
  readonly json?: boolean;
  /** Only these checks (by name); all when empty. */
  readonly only?: readonly string[];
  /** --shard: only the checks this shard of the config runs (with --check, those of them named). */
  readonly shard?: Shard;
}

export interface OnceRow {
  readonly check: Check;
  readonly result: ProbeResult;
}

export async function onceCommand(
  options: OnceOptions,
  io: { stdout(line: string): void; stderr(line: string): void },
  log: Logger,
  extra: { env?: NodeJS.ProcessEnv; lookup?: Lookup; onSecrets?: (secrets: readonly string[]) => void } = {},
): Promise<number> {
  const { config, secrets } = loadConfig(options.config, extra.env);
  extra.onSecrets?.(secrets);
  const shardChecks = applyShard(config, options.shard).checks;
  const selected = options.only && options.only.length > 0 ? shardChecks.filter((check) => options.only!.includes(check.name)) : shardChecks;
  const unknown = (options.only ?? []).filter((name) => !config.checks.some((check) => check.name === name));
  if (unknown.length > 0) {
    io.stderr(`no such check: ${unknown.join(', ')}`);
    return 2;
  }
  const gate = createSemaphore(config.maxConcurrency);
  const states = new Map<string, CheckState>();
  // Tokens and re-read secret files join the values the logger and the results are scrubbed of.
  let allSecrets: readonly string[] = secrets;
  const scrub = createSecretScrubber(() => allSecrets, SCRUBBED);
  const auth = createAuthBroker({
    auths: config.auths,
    env: extra.env ?? process.env,
    log,
    onSecretsChanged: () => {
      allSecrets = [...secrets, ...auth.secrets()];
      extra.onSecrets?.(allSecrets);
    },
  });
  const rows = await Promise.all(
    selected.map(async (check): Promise<OnceRow> => {
      const release = await gate.acquire();
      try {
        return { check, result: await runCheck(check, { clock: systemClock, log, states, record: recordInMap(states), lookup: extra.lookup, auth, scrub }) };
      } finally {
        release();
      }
    }),
  ).finally(() => auth.stop());
  if (options.json) {
    io.stdout(JSON.stringify(rows.map(toJson), null, 2));
  } else {
    for (const line of renderOnceTable(rows, config.alerting.locale)) io.stdout(line);
  }
  return rows.some((row) => row.result.status === 'critical') ? 1 : 0;
}

function toJson({ check, result }: OnceRow) {
  return {
    check: check.name,
    system: check.system,
    kind: check.kind,
    target: describeTarget(check),
    status: result.status,
    reason: result.reason ?? null,
    message: result.message,
    code: result.detail?.code ?? null,
    params: result.detail?.params ?? null,
    durationSeconds: result.durationSeconds,
    phases: result.phases,
    httpStatus: result.httpStatus ?? null,
    certificate: result.tls ? { expiresAt: result.tls.expiresAt.toISOString(), daysLeft: result.tls.daysLeft } : null,
    addresses: result.dns?.addresses ?? null,
    sync: result.sync
      ? {
          mode: result.sync.mode,
          unit: result.sync.unit,
          lag: result.sync.lag ?? null,
          backlog: result.sync.backlog ?? null,
          mismatchSeconds: result.sync.mismatchSeconds ?? null,
        }
      : null,
  };
}

/** The sync cell: sync lag (time or items) and backlog, or how long parity has differed, in the reader's locale. */
export function describeSync(result: ProbeResult, locale: Locale = 'vi'): string {
  const sync = result.sync;
  if (!sync) return '-';
  const words = wordsFor(locale).once;
  if (sync.mode === 'parity') {
    if (sync.mismatchCount === undefined) return '?';
    return sync.mismatchCount === 0 ? words.syncEqual : words.syncDiffers(formatDuration(sync.mismatchSeconds ?? 0, locale));
  }
  if (sync.lag === undefined) return '?';
  const lag = sync.unit === 'items' ? words.syncItems(formatNumber(sync.lag, locale)) : formatDuration(sync.lag, locale);
  return sync.backlog === undefined ? lag : words.syncWaiting(lag, formatNumber(sync.backlog, locale));
}

const PHASE_SHORT: Record<string, string> = { dns: 'dns', connect: 'tcp', tls: 'tls', ttfb: 'ttfb', transfer: 'body' };

/** Plain-text table in the reader's locale, widest cell per column; the message column is last so it may run long. */
export function renderOnceTable(rows: readonly OnceRow[], locale: Locale = 'vi'): string[] {
  const words = wordsFor(locale).once;
  const { columns } = words;
  const header = [
    columns.check,
    columns.system,
    columns.kind,
    columns.status,
    columns.latency,
    columns.syncLag,
    columns.phases,
    columns.reason,
    columns.message,
  ];
  const body = rows.map(({ check, result }) => [
    check.name,
    check.system,
    check.kind,
    words.status[result.status],
    formatSeconds(result.durationSeconds),
    describeSync(result, locale),
    PHASES.filter((phase) => result.phases[phase] !== undefined)
      .map((phase) => `${PHASE_SHORT[phase]} ${formatSeconds(result.phases[phase]!)}`)
      .join(' · ') || '-',
    result.reason ?? '-',
    // A terminal prints it as is: control characters from an endpoint must not move the cursor.
    describeProbeMessage(result.detail, result.message, locale).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' '),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  const counts = { ok: 0, warning: 0, critical: 0 };
  for (const { result } of rows) counts[result.status] += 1;
  return [line(header), ...body.map(line), '', words.summary({ total: rows.length, ...counts })];
}
