// The flow probe: a check's steps run in order, sharing one cookie jar and the values earlier
// steps captured, within ONE deadline for the whole flow (the check's timeout: the run's signal).
// Each hop is measured by measureHttp, so phases mean what they mean for an http check; redirects
// are walked here, hop by hop, to store each hop's cookies and record the hosts the chain passed.
// The first step that fails ends the flow and names itself in the result. Captured values can be
// tokens: they are never logged and never put into a message.
import { monotonicMs, secondsSince } from '../clock.ts';
import { DEFAULTS, type FlowCheck, type FlowStep } from '../config/config.ts';
import { readJsonPath } from '../config/json-path.ts';
import type { Template } from '../config/template.ts';
import { renderJsonTemplate, renderTemplate, type TemplateValues } from './template.ts';
import { CookieJar } from './flow-cookies.ts';
import { judgeFlowStep, type StepAnswer } from './flow-judge.ts';
import { measureHttp, redirectedRequest, REDIRECT_STATUS, type HopRequest } from './http.ts';
import { ProbeFailure, timeoutFailure } from './probe-failure.ts';
import { jsonRefused } from './json-expectations.ts';
import { parseJson } from './parse-json.ts';
import {
  PHASES,
  probeMessage,
  type CheckValue,
  type FlowStepObservation,
  type Phase,
  type ProbeMessage,
  type Probe,
  type ProbeContext,
  type ProbeResult,
} from './probe.ts';

/** What the steps of one run share. */
interface FlowRun {
  readonly check: FlowCheck;
  readonly context: ProbeContext;
  readonly jar: CookieJar;
  readonly captures: Map<string, string>;
  /** Numbers the steps' JSON expectations export (dvc_check_value), in step order. */
  readonly values: CheckValue[];
  /** monotonicMs() when the flow began: the deadline counts from here. */
  readonly startedAt: number;
}

type StepOutcome =
  | { readonly kind: 'passed'; readonly observation: FlowStepObservation; readonly host: string; readonly status: number }
  | { readonly kind: 'failed'; readonly observation: FlowStepObservation; readonly failure: ProbeFailure };

export const probeFlow: Probe<FlowCheck> = async (check, context) => {
  const deadline = flowDeadline(check.timeoutSeconds, context.signal);
  try {
    return await runFlow(check, { ...context, signal: deadline.signal });
  } finally {
    deadline.dispose();
  }
};

/**
 * The flow's own deadline, from its first request: the caller's signal may be set further off,
 * and undici's timers are too coarse (about a second) to end a hanging step on time by
 * themselves. A cancellation on the caller's signal passes through with its reason.
 */
function flowDeadline(timeoutSeconds: number, outer: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('flow deadline reached', 'TimeoutError')), Math.ceil(timeoutSeconds * 1000));
  const onAbort = (): void => controller.abort(outer.reason);
  if (outer.aborted) onAbort();
  else outer.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    },
  };
}

async function runFlow(check: FlowCheck, context: ProbeContext): Promise<ProbeResult> {
  const run: FlowRun = { check, context, jar: new CookieJar(), captures: new Map(), values: [], startedAt: monotonicMs() };
  const steps: FlowStepObservation[] = [];
  let last: Extract<StepOutcome, { kind: 'passed' }> | undefined;
  for (const step of check.steps) {
    const outcome = await runStep(step, run);
    steps.push(outcome.observation);
    context.log.debug(
      { step: step.name, httpStatus: outcome.observation.httpStatus, durationSeconds: outcome.observation.durationSeconds },
      'flow step finished',
    );
    if (outcome.kind === 'failed') {
      const { reason, message, detail } = outcome.failure;
      return {
        status: 'critical',
        reason,
        message: `step ${step.name}: ${message}`,
        detail: probeMessage('flow_step', { step: step.name, detail }),
        durationSeconds: secondsSince(run.startedAt),
        phases: sumPhases(steps.map((observation) => observation.phases)),
        ...(outcome.observation.httpStatus === undefined ? {} : { httpStatus: outcome.observation.httpStatus }),
        flow: { steps, failedStep: step.name },
        ...(run.values.length === 0 ? {} : { values: run.values }),
      };
    }
    last = outcome;
  }
  const { host = '', status = 0 } = last ?? {};
  return {
    status: 'ok',
    message: `${steps.length} steps passed (last: HTTP ${status} from ${host})`,
    detail: probeMessage('flow_ok', { steps: steps.length, host, status }),
    durationSeconds: secondsSince(run.startedAt),
    phases: sumPhases(steps.map((observation) => observation.phases)),
    httpStatus: status,
    flow: { steps },
    ...(run.values.length === 0 ? {} : { values: run.values }),
  };
}

async function runStep(step: FlowStep, run: FlowRun): Promise<StepOutcome> {
  const stepStartedAt = monotonicMs();
  const phases: Partial<Record<Phase, number>> = {};
  const observe = (httpStatus?: number): FlowStepObservation => ({
    name: step.name,
    durationSeconds: secondsSince(stepStartedAt),
    phases,
    ...(httpStatus === undefined ? {} : { httpStatus }),
  });
  const failed = (failure: ProbeFailure, httpStatus?: number): StepOutcome => ({ kind: 'failed', observation: observe(httpStatus), failure });

  const rendered = renderRequest(step, { captures: run.captures, now: run.context.clock() });
  if ('missing' in rendered) {
    return failed(
      new ProbeFailure('protocol', `{{${rendered.missing}}} has no value (no earlier step captured it)`, {
        detail: probeMessage('flow_value_missing', { name: rendered.missing }),
      }),
    );
  }

  let credentials: Readonly<Record<string, string>> = {};
  const fetchCredentials = async (): Promise<ProbeFailure | undefined> => {
    if (step.auth === undefined) return undefined;
    const broker = run.context.auth;
    if (broker === undefined) {
      return new ProbeFailure('auth', `no credentials for auth "${step.auth}"`, { detail: probeMessage('flow_no_auth', { auth: step.auth }) });
    }
    const outcome = await broker.headersFor(step.auth, run.context.signal);
    if (!outcome.ok) return new ProbeFailure('auth', outcome.message, { detail: outcome.detail });
    credentials = outcome.headers;
    return undefined;
  };

  const refusal = await fetchCredentials();
  if (refusal) return failed(refusal);
  let answer = await walk(step, rendered, credentials, run, phases);
  // A token can be revoked or expire early: one fresh token and one more try before judging.
  if (answer.kind === 'answer' && answer.status === 401 && step.auth !== undefined && run.context.auth !== undefined) {
    run.context.auth.refused(step.auth, credentials);
    const again = await fetchCredentials();
    if (again) return failed(again, answer.status);
    answer = await walk(step, rendered, credentials, run, phases);
  }
  if (answer.kind === 'failure') return failed(answer.failure, answer.status);

  const verdict = judgeFlowStep(step, run.check, answer);
  run.values.push(...verdict.values);
  if (verdict.failure) return failed(verdict.failure, answer.status);
  const missing = capture(step, answer, run);
  if (missing) return failed(missing, answer.status);
  return { kind: 'passed', observation: observe(answer.status), host: answer.url.host, status: answer.status };
}

interface RenderedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The step's request with every template filled in, or the first name without a value. */
function renderRequest(step: FlowStep, values: TemplateValues): RenderedRequest | { readonly missing: string } {
  const render = (template: Template): string => {
    const result = renderTemplate(template, values);
    if ('missing' in result) throw new MissingValue(result.missing);
    return result.text;
  };
  try {
    const headers: Record<string, string> = {};
    for (const [name, template] of Object.entries(step.headers)) headers[name] = render(template);
    let body: string | undefined;
    if (step.body?.kind === 'text') body = render(step.body.template);
    else if (step.body?.kind === 'form')
      body = new URLSearchParams(step.body.fields.map(([name, template]): [string, string] => [name, render(template)])).toString();
    else if (step.body?.kind === 'json') {
      const json = renderJsonTemplate(step.body.value, values);
      if ('missing' in json) throw new MissingValue(json.missing);
      body = JSON.stringify(json.json);
    }
    return { url: render(step.url), method: step.method, headers, ...(body === undefined ? {} : { body }) };
  } catch (error) {
    if (error instanceof MissingValue) return { missing: error.missingName };
    throw error;
  }
}

class MissingValue extends Error {
  constructor(readonly missingName: string) {
    super(`no value for {{${missingName}}}`);
  }
}

type WalkResult = StepAnswer | { readonly kind: 'failure'; readonly failure: ProbeFailure; readonly status?: number };

/**
 * Sends the request and, with followRedirects, each redirect, one measured hop at a time: every
 * hop stores its cookies in the jar and sends the jar's cookies for its own URL, as a browser does.
 */
async function walk(
  step: FlowStep,
  rendered: RenderedRequest,
  credentials: Readonly<Record<string, string>>,
  run: FlowRun,
  phases: Partial<Record<Phase, number>>,
): Promise<WalkResult> {
  const { check, context } = run;
  let url: URL;
  try {
    url = new URL(rendered.url);
  } catch {
    return invalidUrl();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return invalidUrl();
  let request: HopRequest = { method: rendered.method, headers: { ...rendered.headers, ...lowerCased(credentials) }, body: rendered.body };
  const visited: URL[] = [];
  for (;;) {
    const remainingSeconds = check.timeoutSeconds - secondsSince(run.startedAt);
    if (context.signal.aborted || remainingSeconds <= 0) return { kind: 'failure', failure: timeoutFailure(context.signal) };
    const cookie = joinCookies(request.headers.cookie, run.jar.header(url, context.clock().getTime()));
    const headers = cookie === undefined ? request.headers : { ...request.headers, cookie };
    const measurement = await measureHttp(
      {
        url: url.href,
        method: request.method,
        headers,
        body: request.body,
        followRedirects: false,
        ipFamily: check.ipFamily,
        userAgent: request.headers['user-agent'] ?? check.userAgent,
        tls: check.tls,
        resolver: check.resolver,
        timeoutSeconds: remainingSeconds,
        expect: { maxBodyBytes: check.maxBodyBytes },
      },
      context,
    );
    addPhases(phases, measurement.phases);
    if (measurement.kind === 'failure') {
      return { kind: 'failure', failure: measurement.failure, ...(measurement.httpStatus === undefined ? {} : { status: measurement.httpStatus }) };
    }
    run.jar.store(url, measurement.headers['set-cookie'], context.clock().getTime());
    visited.push(url);
    const location = first(measurement.headers.location);
    const status = measurement.httpStatus;
    if (!step.followRedirects || !REDIRECT_STATUS.has(status) || location === undefined) {
      return { kind: 'answer', url, status, headers: measurement.headers, body: measurement.body, visited };
    }
    const fail = (message: string, detail: ProbeMessage): WalkResult => ({
      kind: 'failure',
      failure: new ProbeFailure('protocol', message, { detail }),
      status,
    });
    if (visited.length > DEFAULTS.maxRedirects) {
      return fail(
        `more than ${DEFAULTS.maxRedirects} redirects (the last from ${url.host})`,
        probeMessage('too_many_redirects', { host: url.host, max: DEFAULTS.maxRedirects }),
      );
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return fail(`HTTP ${status} from ${url.host} redirects to an invalid Location`, probeMessage('bad_redirect', { host: url.host, status }));
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      return fail(
        `HTTP ${status} from ${url.host} redirects to a ${next.protocol} URL`,
        probeMessage('bad_redirect', { host: url.host, status, protocol: next.protocol }),
      );
    }
    request = redirectedRequest(request, status, next.origin !== url.origin);
    url = next;
  }
}

function invalidUrl(): WalkResult {
  // The URL came from a captured value; the value itself may be a secret, so it is not quoted.
  return {
    kind: 'failure',
    failure: new ProbeFailure('protocol', 'the step URL is not an http:// or https:// URL once its templates are filled in', {
      detail: probeMessage('flow_bad_url', {}),
    }),
  };
}

/** Stores the step's captures; the first one the answer lacks is a protocol failure. */
function capture(step: FlowStep, answer: StepAnswer, run: FlowRun): ProbeFailure | undefined {
  let document: unknown;
  let parsed = false;
  const host = answer.url.host;
  for (const { name, capture: from } of step.captures) {
    let value: string | undefined;
    let where: string;
    switch (from.from) {
      case 'json': {
        where = from.path.source;
        if (!parsed) {
          parsed = true;
          const reading = parseJson(answer.body.toString('utf8'));
          if (!reading.ok && reading.problem === 'too_deep') {
            const refused = jsonRefused(reading, host);
            return new ProbeFailure(refused.reason, refused.message, { detail: refused.detail });
          }
          // Not JSON: nothing to capture from it, said below.
          document = reading.ok ? reading.value : undefined;
        }
        value = stringOf(readJsonPath(from.path, document));
        break;
      }
      case 'header':
        where = from.name;
        value = first(answer.headers[from.name]);
        break;
      case 'cookie':
        where = from.name;
        value = run.jar.value(from.name);
        break;
      case 'regex': {
        where = 'regex';
        const match = from.pattern.exec(answer.body.toString('utf8'));
        value = match === null ? undefined : (match[1] ?? match[0]);
        break;
      }
    }
    if (value === undefined) {
      return new ProbeFailure('protocol', `nothing to capture as ${name} (${from.from} ${where}) in the answer from ${host}`, {
        detail: probeMessage('flow_capture_absent', { host, name, from: from.from, where }),
      });
    }
    run.captures.set(name, value);
  }
  return undefined;
}

function stringOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function joinCookies(configured: string | undefined, fromJar: string | undefined): string | undefined {
  if (configured === undefined) return fromJar;
  return fromJar === undefined ? configured : `${configured}; ${fromJar}`;
}

function addPhases(total: Partial<Record<Phase, number>>, hop: Partial<Record<Phase, number>>): void {
  for (const phase of PHASES) {
    const seconds = hop[phase];
    if (seconds !== undefined) total[phase] = (total[phase] ?? 0) + seconds;
  }
}

function sumPhases(all: readonly Partial<Record<Phase, number>>[]): Partial<Record<Phase, number>> {
  const total: Partial<Record<Phase, number>> = {};
  for (const phases of all) addPhases(total, phases);
  return total;
}
