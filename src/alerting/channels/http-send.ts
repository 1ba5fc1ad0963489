// One HTTP request for the HTTP channels (webhook, Zalo), and what a failure means: 2xx is
// delivered; 408, 429, 5xx and a network failure are worth another try; any other answer would
// be refused again. Error messages name the status and a short excerpt of the answer, never the
// URL or headers (they may carry a token).
import { Agent, request } from 'undici';
import type { FailureVerdict } from '../channel.ts';

const ANSWER_MAX_CHARS = 200;

export interface HttpSend {
  readonly url: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutSeconds: number;
  readonly verifyTls?: boolean;
}

/** A request answered with a status that is not 2xx, or not answered at all (status undefined). */
export class HttpSendError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined) {
    super(message);
    this.name = 'HttpSendError';
    this.status = status;
  }
}

const insecure = new Agent({ connect: { rejectUnauthorized: false } });

/** Resolves with the status and answer of a 2xx; rejects with an HttpSendError otherwise. */
export async function httpSend(send: HttpSend): Promise<{ readonly status: number; readonly answer: string }> {
  let response;
  try {
    response = await request(send.url, {
      method: send.method,
      headers: send.headers,
      body: send.body,
      signal: AbortSignal.timeout(send.timeoutSeconds * 1000),
      ...(send.verifyTls === false ? { dispatcher: insecure } : {}),
    });
  } catch (error) {
    // undici's messages name the cause (ECONNREFUSED, timeout), not the URL.
    const code = (error as { code?: unknown }).code;
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${send.timeoutSeconds}s` : (error as Error).message;
    throw new HttpSendError(typeof code === 'string' && !reason.includes(code) ? `${code}: ${reason}` : reason, undefined);
  }
  const answer = (await response.body.text()).slice(0, ANSWER_MAX_CHARS);
  if (response.statusCode < 200 || response.statusCode >= 300) throw new HttpSendError(`HTTP ${response.statusCode}: ${answer}`, response.statusCode);
  return { status: response.statusCode, answer };
}

export function classifyHttpFailure(error: unknown): FailureVerdict {
  const status = error instanceof HttpSendError ? error.status : undefined;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429 ? 'give_up' : 'retry';
}
