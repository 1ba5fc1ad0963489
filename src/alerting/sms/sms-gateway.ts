// One SMS to one phone through a carrier's HTTP gateway (brandname APIs): the configured field
// names, JSON or form body (or a GET query), a header or Basic credential. The answer decides:
// 2xx is accepted (and, when configured, the JSON value at `accept.path` must equal `accept.equals`:
// some gateways answer 200 with an error code); 408, 429, 5xx and network errors are worth another
// try; any other 4xx or a refused 200 is final. Errors name the gateway by origin and path only:
// brandname APIs often carry the account in the query.
import { request } from 'undici';
import type { SmsHttpVia } from '../../config/sms-config.ts';
import { readJsonPath } from '../../config/json-path.ts';

const ERROR_BODY_MAX_CHARS = 200;

export class SmsGatewayError extends Error {
  constructor(
    message: string,
    /** No point trying again: the gateway refused this message. */
    readonly final: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SmsGatewayError';
  }
}

/** The gateway as logs may name it: origin and path, never query or credentials. */
export function gatewayName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** Resolves when the gateway accepted the message; rejects with SmsGatewayError otherwise. */
export async function postSms(via: SmsHttpVia, phone: string, text: string): Promise<{ readonly status: number }> {
  const fields: Record<string, string> = { ...via.fields, [via.params.phone]: phone, [via.params.text]: text };
  if (via.sender !== undefined) fields[via.params.sender] = via.sender;
  const headers: Record<string, string> = { accept: 'application/json, */*;q=0.5' };
  if (via.auth?.kind === 'header') headers[via.auth.name.toLowerCase()] = via.auth.value;
  if (via.auth?.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${via.auth.user}:${via.auth.pass}`).toString('base64')}`;
  let url = via.url;
  let body: string | undefined;
  if (via.method === 'GET') {
    const target = new URL(via.url);
    for (const [name, value] of Object.entries(fields)) target.searchParams.set(name, value);
    url = target.toString();
  } else if (via.body === 'form') {
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    body = new URLSearchParams(fields).toString();
  } else {
    headers['content-type'] = 'application/json; charset=utf-8';
    body = JSON.stringify(fields);
  }
  const name = gatewayName(via.url);
  let response;
  try {
    response = await request(url, { method: via.method, headers, body, signal: AbortSignal.timeout(via.timeoutSeconds * 1000) });
  } catch (error) {
    throw new SmsGatewayError(`no answer from ${name}: ${(error as Error).message ?? String(error)}`, false);
  }
  const answer = await response.body.text();
  const status = response.statusCode;
  if (status < 200 || status >= 300) {
    const final = status >= 400 && status < 500 && status !== 408 && status !== 429;
    throw new SmsGatewayError(`HTTP ${status} from ${name}: ${answer.slice(0, ERROR_BODY_MAX_CHARS).trim()}`, final, status);
  }
  if (via.accept) {
    let value: unknown;
    try {
      value = readJsonPath(via.accept.path, JSON.parse(answer));
    } catch {
      value = undefined;
    }
    // "100" in YAML and 100 in the answer mean the same code: gateways are not consistent about it.
    const same = (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') && String(value) === String(via.accept.equals);
    if (!same) {
      throw new SmsGatewayError(
        `${name} answered ${status} with ${via.accept.path.source} = ${JSON.stringify(value) ?? 'nothing'}, not ${JSON.stringify(via.accept.equals)}: ${answer.slice(0, ERROR_BODY_MAX_CHARS).trim()}`,
        true,
        status,
      );
    }
  }
  return { status };
}
