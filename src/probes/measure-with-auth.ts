// An HTTP measurement that carries an auth's credentials: the headers from the broker, and, when
// the API answers 401, one more try with fresh credentials before the answer is judged (a token
// revoked or expired early is the token's fault, not the API's). No credentials at all is a
// failure with reason `auth`, and the API is not called.
import { monotonicMs, secondsSince } from '../clock.ts';
import type { HttpMeasurement, HttpRequestSpec } from './http.ts';
import type { ProbeContext } from './probe.ts';
import { ProbeFailure } from './probe-failure.ts';

/** `measure` is measureHttp (passed in: http.ts calls this module). */
export async function measureWithAuth(
  measure: (spec: HttpRequestSpec, context: ProbeContext) => Promise<HttpMeasurement>,
  spec: HttpRequestSpec,
  auth: string | undefined,
  context: ProbeContext,
): Promise<HttpMeasurement> {
  if (auth === undefined) return measure(spec, context);
  const broker = context.auth;
  if (broker === undefined) throw new Error(`the check names auth ${auth} but the run was given no credentials broker`);
  const startedAt = monotonicMs();
  const measuredAt = context.clock();
  const attempt = async (): Promise<{ measurement: HttpMeasurement; headers?: Readonly<Record<string, string>> }> => {
    const outcome = await broker.headersFor(auth, context.signal);
    if (!outcome.ok) {
      const failure = new ProbeFailure('auth', outcome.message, { detail: outcome.detail });
      return {
        measurement: { kind: 'failure', failure, host: new URL(spec.url).host, phases: {}, durationSeconds: secondsSince(startedAt), measuredAt, redirects: 0 },
      };
    }
    const headers: Record<string, string> = { ...spec.headers };
    for (const [name, value] of Object.entries(outcome.headers)) headers[name.toLowerCase()] = value;
    return { measurement: await measure({ ...spec, headers }, context), headers: outcome.headers };
  };
  const first = await attempt();
  if (first.headers === undefined || first.measurement.kind !== 'response' || first.measurement.httpStatus !== 401) return first.measurement;
  context.log.debug({ authName: auth }, 'API answered 401; trying once more with fresh credentials');
  broker.refused(auth, first.headers);
  return (await attempt()).measurement;
}
