// An auth's secret as it is now: the value read at load, or, for a value written with
// `${file:…}`, the file read again, so a rotated secret takes effect at the next token fetch.
import type { SecretText } from '../../config/auth-config.ts';
import { expandText } from '../../config/expand-env.ts';

export type SecretReading = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly problem: string };

export function readSecret(secret: SecretText, env: NodeJS.ProcessEnv): SecretReading {
  if (secret.template === undefined) return { ok: true, value: secret.value };
  let problem: string | undefined;
  const { expanded } = expandText(
    secret.template,
    env,
    () => {},
    (message) => (problem ??= message),
  );
  return problem === undefined ? { ok: true, value: expanded } : { ok: false, problem };
}
