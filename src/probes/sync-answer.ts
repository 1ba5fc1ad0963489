// What the sync judges work from: each side's parsed JSON answer, and what they hand back.
// Reading a path that is not there is an `assertion` failure naming the side, path and host.
import { readJsonPath, type JsonPath } from '../config/json-path.ts';
import { probeMessage, type FailureReason, type ProbeMessage, type ProbeMessageParams, type Status, type SyncObservation } from './probe.ts';
import { ProbeFailure } from './probe-failure.ts';

export type SideName = 'source' | 'target';

/** One side's answer: its parsed JSON body, and the host it came from (never the URL). */
export interface SideAnswer {
  readonly side: SideName;
  readonly host: string;
  readonly document: unknown;
}

export interface SyncVerdict {
  readonly status: Status;
  readonly reason?: FailureReason;
  readonly message: string;
  readonly detail: ProbeMessage;
  readonly sync: SyncObservation;
}

/** Where a value was read, as message parameters: side, path and host. */
export type ValuePlace = Pick<ProbeMessageParams['sync_value'], 'side' | 'path' | 'host' | 'item' | 'backlog'>;

export function placeOf(answer: SideAnswer, path: JsonPath): ValuePlace {
  return { side: answer.side, path: path.source, host: answer.host };
}

/** The value at the path; absent throws ProbeFailure 'assertion'. null is a value, returned as is. */
export function readAnswerPath(answer: SideAnswer, path: JsonPath): unknown {
  const value = readJsonPath(path, answer.document);
  if (value === undefined) {
    throw new ProbeFailure('assertion', `${answer.side}: ${path.source} is absent in the JSON from ${answer.host}`, {
      detail: probeMessage('sync_value', { ...placeOf(answer, path), problem: 'absent' }),
    });
  }
  return value;
}

/** "$.data.lastUpdated from host", for messages about a value read there. */
export function describeWhere(answer: SideAnswer, path: JsonPath): string {
  return `${answer.side}: ${path.source} from ${answer.host}`;
}

/** Status and reason of the worst level; sync judgements fail only with sync_lag. */
export function worstOf(levels: readonly Status[]): { status: Status; reason?: FailureReason } {
  const status = levels.includes('critical') ? 'critical' : levels.includes('warning') ? 'warning' : 'ok';
  return status === 'ok' ? { status } : { status, reason: 'sync_lag' };
}

/** "1 dossier", "612 dossiers". */
export function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}
