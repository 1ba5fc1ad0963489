// Days of history in memory for the report tests: minutes as the store keeps them, incidents as
// state opens and closes them, and a ReportSource over both.
import { resolveConfig, type Config } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import type { ReportSource, ReportWindow } from '../../src/report/report-model.ts';
import type { MinuteFigures } from '../../src/state/history.ts';
import type { Incident } from '../../src/state/incident.ts';
import { addToSketch, createSketch } from '../../src/state/latency-sketch.ts';
import type { FailureReason } from '../../src/probes/probe.ts';
import { makeIncident } from '../support/alerting-fixtures.ts';

export const at = (text: string): Date => new Date(text);

export interface MinuteRun {
  readonly check: string;
  /** First minute (inclusive) and end (exclusive), minute-aligned. */
  readonly from: string;
  readonly to: string;
  /** Probes per minute; 1 unless said. */
  readonly probes?: number;
  /** Every probe of these minutes failed with this reason. */
  readonly failing?: FailureReason;
  /** Latency of each probe, in seconds. */
  readonly seconds?: number;
  readonly syncLag?: number;
  readonly backlog?: number;
  readonly tlsDaysLeft?: number;
}

/** One row per minute of the run, as the store's writer would aggregate them. */
export function minutesOf(run: MinuteRun): MinuteFigures[] {
  const rows: MinuteFigures[] = [];
  for (let ms = at(run.from).getTime(); ms < at(run.to).getTime(); ms += 60_000) {
    const probes = run.probes ?? 1;
    const latency = createSketch();
    for (let index = 0; index < probes; index += 1) addToSketch(latency, run.seconds ?? 0.2);
    let syncLag;
    if (run.syncLag !== undefined) {
      syncLag = createSketch();
      for (let index = 0; index < probes; index += 1) addToSketch(syncLag, run.syncLag);
    }
    rows.push({
      check: run.check,
      minute: new Date(ms),
      probes,
      failuresByReason: run.failing === undefined ? {} : { [run.failing]: probes },
      latency,
      syncLag,
      syncLagMax: run.syncLag,
      backlogMax: run.backlog,
      tlsDaysLeftMin: run.tlsDaysLeft,
    });
  }
  return rows;
}

/** An incident with its true bounds; resolvedAt follows recoveredAt by the success threshold. */
export function outage(check: string, failingSince: string, recoveredAt?: string, overrides: Partial<Incident> = {}): Incident {
  const since = at(failingSince);
  // The threshold of 2 at a 60 s interval: the incident opens a minute after the first failure.
  const openedAt = new Date(since.getTime() + 60_000);
  const recovered = recoveredAt === undefined ? undefined : at(recoveredAt);
  return makeIncident({
    check,
    openedAt,
    failingSince: since,
    recoveredAt: recovered,
    resolvedAt: recovered && new Date(recovered.getTime() + 60_000),
    ...overrides,
  });
}

export function memorySource(minutes: readonly MinuteFigures[], incidents: readonly Incident[]): ReportSource {
  return {
    minutes: ({ from, to }: ReportWindow) => minutes.filter((row) => row.minute >= from && row.minute < to),
    incidents: ({ from, to }: ReportWindow) =>
      incidents.filter((incident) => (incident.failingSince ?? incident.openedAt) < to && (incident.recoveredAt ?? incident.resolvedAt ?? to) > from),
  };
}

/** Two systems: the national portal (two pages) and the province's sync. */
export function reportConfig(extra: Record<string, unknown> = {}): Config {
  const input = ConfigInput.parse({
    checks: [
      { name: 'dvcqg-home', system: 'dvcqg', kind: 'http', url: 'https://dichvucong.gov.vn/' },
      { name: 'dvcqg-search', system: 'dvcqg', kind: 'http', url: 'https://dichvucong.gov.vn/tra-cuu' },
      {
        name: 'sync-hoso',
        system: 'tthc-angiang',
        kind: 'sync',
        source: { url: 'https://dichvucong.angiang.gov.vn/api/last', watermark: '$.lastUpdated' },
        backlog: '$.waiting',
      },
    ],
    ...extra,
  });
  return resolveConfig('monitor.yaml', input, () => '');
}
