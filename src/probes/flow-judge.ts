// Judges one flow step's answer against the step's expectations, without I/O. First failure wins,
// in this order: blocked (firewall status not expected by the step, or a marker in the body) →
// where the redirects ended (finalUrl) → the hosts they passed through (redirects) → status →
// bodyContains / bodyNotContains → JSON. The chain comes before the status: "the login redirect
// went to an error page" is the finding a technician needs, whatever that page answered.
import type { FlowCheck, FlowStep } from '../config/config.ts';
import { clip } from './format.ts';
import { readJson } from './json-expectations.ts';
import { probeMessage, type CheckValue, type ProbeMessage } from './probe.ts';
import { ProbeFailure } from './probe-failure.ts';

/** The last hop's answer of a step, and every URL the step's request visited, in order. */
export interface StepAnswer {
  readonly kind: 'answer';
  readonly url: URL;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  readonly visited: readonly URL[];
}

/** The step's first failed expectation, if any, and the numbers its JSON expectations export. */
export interface StepVerdict {
  readonly failure?: ProbeFailure;
  readonly values: readonly CheckValue[];
}

export function judgeFlowStep(step: FlowStep, check: Pick<FlowCheck, 'blocked'>, answer: StepAnswer): StepVerdict {
  const failure = findFailure(step, check, answer);
  if (failure !== undefined || step.expect.json.length === 0) return { ...(failure === undefined ? {} : { failure }), values: [] };
  const json = readJson(step.expect.json, answer.body.toString('utf8'), answer.url.host);
  return {
    ...(json.verdict === undefined ? {} : { failure: new ProbeFailure(json.verdict.reason, json.verdict.message, { detail: json.verdict.detail }) }),
    values: json.values,
  };
}

/** Everything but the JSON expectations, in the order the header says. */
function findFailure(step: FlowStep, check: Pick<FlowCheck, 'blocked'>, answer: StepAnswer): ProbeFailure | undefined {
  const host = answer.url.host;
  const { status } = answer;
  const fail = (reason: 'blocked' | 'assertion' | 'http_status', message: string, detail: ProbeMessage): ProbeFailure =>
    new ProbeFailure(reason, message, { detail });
  const text = answer.body.toString('utf8');
  if (check.blocked.status.includes(status) && !step.expect.status.includes(status)) {
    return fail('blocked', `the firewall in front of ${host} refused the prober (HTTP ${status})`, probeMessage('http_blocked', { status, host }));
  }
  const lowerText = text.toLowerCase();
  const marker = check.blocked.markers.find((candidate) => lowerText.includes(candidate.toLowerCase()));
  if (marker !== undefined) {
    return fail(
      'blocked',
      `the firewall in front of ${host} refused the prober (HTTP ${status}, page says "${clip(marker)}")`,
      probeMessage('http_blocked', { status, host, marker: clip(marker) }),
    );
  }
  const finalUrl = step.expect.finalUrl;
  if (finalUrl !== undefined) {
    const href = answer.url.href;
    const holds = 'prefix' in finalUrl ? href.startsWith(finalUrl.prefix) : finalUrl.pattern.test(href);
    if (!holds) {
      // Host and path only: the query of a login redirect carries state and codes.
      const path = clip(answer.url.pathname);
      const expected = clip('prefix' in finalUrl ? withoutQuery(finalUrl.prefix) : finalUrl.pattern.source);
      return fail(
        'assertion',
        `the redirects ended on ${host}${path}, expected ${'prefix' in finalUrl ? 'a URL starting with' : 'a URL matching'} ${expected}`,
        probeMessage('flow_final_url', { host, path, expected }),
      );
    }
  }
  const wanted = step.expect.redirects;
  if (wanted !== undefined) {
    const hosts = answer.visited.map((url) => url.host);
    const missing = firstMissing(
      wanted,
      answer.visited.map((url) => [url.hostname.toLowerCase(), url.host.toLowerCase()]),
    );
    if (missing !== undefined) {
      const chain = clip(hosts.join(' → '));
      return fail(
        'assertion',
        `the redirects did not pass through ${missing} (chain: ${chain})`,
        probeMessage('flow_redirects', { expected: missing, hosts: chain }),
      );
    }
  }
  if (!step.expect.status.includes(status)) return fail('http_status', `HTTP ${status} from ${host}`, probeMessage('http_status', { status, host }));
  if (step.expect.bodyContains !== undefined && !text.includes(step.expect.bodyContains)) {
    const unwanted = clip(step.expect.bodyContains);
    return fail('assertion', `body from ${host} does not contain "${unwanted}"`, probeMessage('body_lacks_text', { host, text: unwanted }));
  }
  if (step.expect.bodyNotContains !== undefined && text.includes(step.expect.bodyNotContains)) {
    const unwanted = clip(step.expect.bodyNotContains);
    return fail('assertion', `body from ${host} contains "${unwanted}"`, probeMessage('body_has_text', { host, text: unwanted }));
  }
  return undefined;
}

/** The first wanted host the chain does not pass through in order (a host matches name or name:port). */
function firstMissing(wanted: readonly string[], chain: readonly (readonly string[])[]): string | undefined {
  let at = 0;
  for (const host of wanted) {
    const name = host.toLowerCase();
    while (at < chain.length && !chain[at]!.includes(name)) at += 1;
    if (at === chain.length) return host;
    at += 1;
  }
  return undefined;
}

function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}
