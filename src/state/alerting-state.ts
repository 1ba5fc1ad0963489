// What the incident rules remember besides the incidents themselves: whether the prober's own
// network is down, and which maintenance windows are in progress. Small and serializable; the
// caller stores it in the same transaction as the incidents and check states it goes with.
import type { FlapChanges } from './flapping.ts';
import type { WindowOccurrence } from './maintenance.ts';

export interface AlertingState {
  /** When every vantage check was found critical; absent while the prober's network is fine. */
  readonly vantageDownSince?: Date;
  /** The occurrence of each window in progress at the last decision, by window name. */
  readonly windowsActive: Readonly<Record<string, WindowOccurrence>>;
  /** Recent changes of status of checks that changed within the flapping window; absent = none. */
  readonly flapChanges?: FlapChanges;
  /**
   * The last occurrence of each window that ended, by window name: a step back of the wall clock
   * into it does not start it again (maintenance.ts findWindowTransitions). Absent = none.
   */
  readonly windowsEnded?: Readonly<Record<string, WindowOccurrence>>;
}

export function initialAlertingState(): AlertingState {
  return { windowsActive: {} };
}

/**
 * Whether two states would be written the same (what serializeAlertingState keeps), without
 * writing them: asked after every probe, when nearly always nothing changed.
 */
export function sameAlertingState(a: AlertingState, b: AlertingState): boolean {
  if (a === b) return true;
  return (
    a.vantageDownSince?.getTime() === b.vantageDownSince?.getTime() &&
    sameRecord(a.windowsActive, b.windowsActive, sameOccurrence) &&
    sameRecord(a.windowsEnded ?? {}, b.windowsEnded ?? {}, sameOccurrence) &&
    sameRecord(a.flapChanges ?? {}, b.flapChanges ?? {}, sameTimes)
  );
}

function sameRecord<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>, same: (x: T, y: T) => boolean): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && same(a[key]!, b[key]!));
}

function sameOccurrence(x: WindowOccurrence, y: WindowOccurrence): boolean {
  return x.start.getTime() === y.start.getTime() && x.end.getTime() === y.end.getTime();
}

function sameTimes(x: readonly Date[], y: readonly Date[]): boolean {
  return x.length === y.length && x.every((time, index) => time.getTime() === y[index]!.getTime());
}

export function serializeAlertingState(state: AlertingState): string {
  const flapChanges = state.flapChanges === undefined || Object.keys(state.flapChanges).length === 0 ? undefined : state.flapChanges;
  return JSON.stringify({
    vantageDownSince: state.vantageDownSince?.toISOString(),
    windowsActive: Object.fromEntries(
      Object.entries(state.windowsActive).map(([name, { start, end }]) => [name, { start: start.toISOString(), end: end.toISOString() }]),
    ),
    flapChanges: flapChanges && Object.fromEntries(Object.entries(flapChanges).map(([check, times]) => [check, times.map((time) => time.toISOString())])),
    windowsEnded:
      state.windowsEnded === undefined || Object.keys(state.windowsEnded).length === 0
        ? undefined
        : Object.fromEntries(
            Object.entries(state.windowsEnded).map(([name, { start, end }]) => [name, { start: start.toISOString(), end: end.toISOString() }]),
          ),
  });
}

/** Reads what serializeAlertingState wrote; throws an Error saying what is wrong. */
export function parseAlertingState(text: string): AlertingState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`alerting state is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('alerting state must be a JSON object');
  const { vantageDownSince, windowsActive, flapChanges, windowsEnded } = raw as {
    vantageDownSince?: unknown;
    windowsActive?: unknown;
    flapChanges?: unknown;
    windowsEnded?: unknown;
  };
  const flaps = readFlapChanges(flapChanges);
  const ended = windowsEnded === undefined ? undefined : readOccurrences(windowsEnded, 'windowsEnded');
  return {
    ...(vantageDownSince === undefined ? {} : { vantageDownSince: readInstant(vantageDownSince, 'vantageDownSince') }),
    windowsActive: windowsActive === undefined ? {} : readOccurrences(windowsActive, 'windowsActive'),
    ...(flaps === undefined ? {} : { flapChanges: flaps }),
    ...(ended === undefined ? {} : { windowsEnded: ended }),
  };
}

function readOccurrences(value: unknown, path: string): Record<string, WindowOccurrence> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`alerting state: ${path} must be an object`);
  const windows: Record<string, WindowOccurrence> = {};
  for (const [name, occurrence] of Object.entries(value)) {
    const { start, end } = (occurrence ?? {}) as { start?: unknown; end?: unknown };
    windows[name] = { start: readInstant(start, `${path}.${name}.start`), end: readInstant(end, `${path}.${name}.end`) };
  }
  return windows;
}

function readFlapChanges(value: unknown): FlapChanges | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('alerting state: flapChanges must be an object');
  const changes: Record<string, Date[]> = {};
  for (const [check, times] of Object.entries(value)) {
    if (!Array.isArray(times)) throw new Error(`alerting state: flapChanges.${check} must be a list of times`);
    changes[check] = times.map((time: unknown, index) => readInstant(time, `flapChanges.${check}[${index}]`));
  }
  return changes;
}

function readInstant(value: unknown, path: string): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw new Error(`alerting state: ${path} must be an ISO-8601 time, got ${JSON.stringify(value)}`);
  return date;
}
