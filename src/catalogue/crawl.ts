// One crawl of a catalogue check: list pages by cursor, one detail call per item when configured,
// each procedure normalised and stored as it arrives (never the whole catalogue in memory).
//
// Timing model. Requests start at most `rate` per second over the whole crawl: each start waits
// until 1/rate seconds after the previous start, on the monotonic clock. A refusal (403, 429, 5xx,
// a firewall page, a dropped connection, a request timeout) is retried after twice, then four
// times that spacing; the third refusal in a row stops the crawl (reason `blocked` when the portal
// refused us, `connect`/`timeout` when it could not be reached). `deadline` bounds the whole crawl.
// A crawl that stops short leaves its snapshot running with its position (page cursor, items of the
// page stored), so the next crawl resumes there instead of starting over.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { Clock, MonotonicClock } from '../clock.ts';
import type { CatalogueCheck, CatalogueRequest } from '../config/catalogue-config.ts';
import { readJsonPath } from '../config/json-path.ts';
import type { Logger } from '../log.ts';
import type { FailureReason } from '../probes/probe.ts';
import type { CatalogueSnapshot, CatalogueStore } from '../store/store.ts';
import { hashRecord, normaliseRecord } from './normalise.ts';

const REFUSALS_TO_STOP = 3;
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const FIREWALL_MARKERS = ['Request Rejected', 'Access denied', 'The requested URL was rejected'];

export type CrawlOutcome =
  | { readonly status: 'complete'; readonly snapshot: CatalogueSnapshot; readonly requests: number }
  | { readonly status: 'busy'; readonly pid: number; readonly host: string }
  | { readonly status: 'failed'; readonly reason: FailureReason; readonly message: string; readonly snapshot: CatalogueSnapshot; readonly requests: number };

export interface CrawlDeps {
  readonly store: CatalogueStore;
  readonly clock: Clock;
  readonly monotonic: MonotonicClock;
  readonly log: Logger;
  /** Stops the crawl (shutdown); its position is kept. */
  readonly signal?: AbortSignal;
}

type Answer =
  { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly refusal: boolean; readonly reason: FailureReason; readonly message: string };

class CrawlStopped extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
  }
}

export async function crawlCatalogue(check: CatalogueCheck, deps: CrawlDeps): Promise<CrawlOutcome> {
  const { store, clock, log } = deps;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  // Requests leave `1/rate` apart plus a margin (2 %, at least 5 ms): the network can bunch two
  // of them up on the way, and the firewall counts them as they arrive, not as they were sent.
  const spacingMs = (1000 / check.rate) * 1.02 + 5;
  const staleMs = 3 * (check.timeoutSeconds * 1000 + 7 * spacingMs);
  const lock = store.takeCrawlLock(check.name, owner, clock(), staleMs);
  if (!lock.taken) return { status: 'busy', pid: lock.pid, host: lock.host };
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), check.deadlineSeconds * 1000);
  const signal = deps.signal === undefined ? deadline.signal : AbortSignal.any([deadline.signal, deps.signal]);
  let snapshot = store.openSnapshot(check.name, clock());
  let requests = 0;
  let lastStart: number | undefined;
  const resumed = snapshot.cursor !== '' || snapshot.pageDone > 0;
  log.info({ check: check.name, snapshot: snapshot.id, cursor: snapshot.cursor, pageDone: snapshot.pageDone, resumed }, 'catalogue crawl starts');

  /** One request, paced and retried on refusals; throws CrawlStopped when the crawl must stop. */
  const call = async (spec: CatalogueRequest, values: Record<string, string>): Promise<unknown> => {
    for (let refusals = 0; ;) {
      const waitMs = lastStart === undefined ? 0 : lastStart + spacingMs * 2 ** refusals - deps.monotonic();
      if (waitMs > 0) await sleep(waitMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) throw stopped();
      lastStart = deps.monotonic();
      requests++;
      store.countRequests(snapshot.id, 1);
      const answer = await send(spec, values, check.timeoutSeconds, signal);
      if (answer.ok) return answer.body;
      if (signal.aborted) throw stopped();
      if (!answer.refusal) throw new CrawlStopped(answer.reason, answer.message);
      refusals++;
      log.warn({ check: check.name, refusals, reason: answer.reason, message: answer.message }, 'catalogue request refused');
      if (refusals >= REFUSALS_TO_STOP) throw new CrawlStopped(answer.reason, `${answer.message} (${refusals} refusals in a row)`);
    }
  };
  const stopped = () =>
    deps.signal?.aborted === true
      ? new CrawlStopped('timeout', 'crawl stopped (shutdown); it resumes on the next run')
      : new CrawlStopped('timeout', `crawl deadline of ${check.deadlineSeconds}s reached; it resumes on the next run`);

  try {
    let cursor = snapshot.cursor;
    let skip = snapshot.pageDone;
    for (;;) {
      const page = await call(check.list, { cursor });
      const items = readJsonPath(check.list.items, page);
      if (!Array.isArray(items)) throw new CrawlStopped('protocol', `list answer has no list at ${check.list.items.source}`);
      for (let index = skip; index < items.length; index++) {
        const item: unknown = items[index];
        const id = check.list.id === undefined ? undefined : textOf(readJsonPath(check.list.id, item));
        let document = item;
        if (check.detail !== undefined) {
          if (id === undefined) throw new CrawlStopped('protocol', `list item ${index} has no id at ${check.list.id?.source ?? '?'}`);
          const answer = await call(check.detail, { id });
          document = check.detail.record === undefined ? answer : readJsonPath(check.detail.record, answer);
        }
        const record = normaliseRecord(check, document, id);
        if (record === undefined) log.warn({ check: check.name, id, key: check.key.source }, 'catalogue item has no code; skipped');
        store.transaction(() => {
          if (record !== undefined) store.putRecord(snapshot.id, check.name, record, hashRecord(record), { cursor, pageDone: index + 1 });
          else store.advancePage(snapshot.id, cursor);
          store.heartbeat(check.name, owner, clock());
        });
      }
      const next = textOf(readJsonPath(check.list.cursor, page)) ?? '';
      if (items.length === 0 || next === '' || next === cursor) break;
      cursor = next;
      skip = 0;
      store.advancePage(snapshot.id, cursor);
    }
    snapshot = store.completeSnapshot(snapshot.id, check.name, clock());
    store.prune(check.name, new Date(clock().getTime() - check.retentionSeconds * 1000));
    log.info({ check: check.name, snapshot: snapshot.id, items: snapshot.items, requests }, 'catalogue crawl complete');
    return { status: 'complete', snapshot, requests };
  } catch (error) {
    if (!(error instanceof CrawlStopped)) throw error;
    store.noteStop(snapshot.id, error.reason);
    snapshot = store.latestAttempt(check.name) ?? snapshot;
    log.warn({ check: check.name, snapshot: snapshot.id, reason: error.reason, message: error.message, requests }, 'catalogue crawl stopped');
    return { status: 'failed', reason: error.reason, message: error.message, snapshot, requests };
  } finally {
    clearTimeout(timer);
    store.releaseCrawlLock(check.name, owner);
  }
}

async function send(spec: CatalogueRequest, values: Record<string, string>, timeoutSeconds: number, signal: AbortSignal): Promise<Answer> {
  const url = fill(spec.url, values) as string;
  const host = new URL(url).host;
  try {
    const response = await request(url, {
      method: spec.method,
      headers: spec.headers,
      body: spec.body === undefined ? undefined : typeof spec.body === 'string' ? (fill(spec.body, values) as string) : JSON.stringify(fill(spec.body, values)),
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutSeconds * 1000)]),
      headersTimeout: timeoutSeconds * 1000,
      bodyTimeout: timeoutSeconds * 1000,
    });
    const length = Number(response.headers['content-length'] ?? 0);
    if (length > MAX_BODY_BYTES) {
      await response.body.dump();
      return { ok: false, refusal: false, reason: 'body_too_large', message: `${host} answered ${length} bytes` };
    }
    const text = await response.body.text();
    const status = response.statusCode;
    const marker = FIREWALL_MARKERS.find((candidate) => text.includes(candidate));
    if (status === 403 || status === 429 || status >= 500 || (marker !== undefined && !text.trimStart().startsWith('{'))) {
      return { ok: false, refusal: true, reason: 'blocked', message: `${host} refused: HTTP ${status}${marker === undefined ? '' : ` "${marker}"`}` };
    }
    if (status < 200 || status > 299) return { ok: false, refusal: false, reason: 'http_status', message: `${host} answered HTTP ${status}` };
    try {
      return { ok: true, body: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, refusal: false, reason: 'protocol', message: `${host} answered HTTP ${status} with no JSON` };
    }
  } catch (error) {
    if (signal.aborted) return { ok: false, refusal: false, reason: 'timeout', message: 'stopped' };
    const code = (error as { code?: string }).code ?? (error as Error).name;
    const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'TimeoutError' || code === 'AbortError';
    // A firewall drops connections as often as it answers 403: a reset counts as a refusal.
    return {
      ok: false,
      refusal: true,
      reason: timedOut ? 'timeout' : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' ? 'blocked' : 'connect',
      message: `${host}: ${code}`,
    };
  }
}

/** Fills "{{name}}" in the strings of a request template; a string that is only the placeholder becomes the value. */
function fill(template: unknown, values: Record<string, string>): unknown {
  if (typeof template === 'string') return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
  if (Array.isArray(template)) return template.map((item) => fill(item, values));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, fill(value, values)]));
  }
  return template;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
