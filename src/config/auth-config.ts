// Credentials as the running daemon reads them: `auths:` resolved by name, inline auths given a
// name of their own, and every secret kept with the text it was written as when that text reads a
// file, so the token broker can read the file again at each fetch (rotation without a restart).
import type { PathKey } from './config-error.ts';
import type { AuthInput, AuthRefInput } from './auth-schema.ts';
import type { ConfigInput } from './schema.ts';
import type { PathIssue } from './translate-zod-issues.ts';
import { suggestNearest } from './suggest-nearest.ts';

/** A secret's value at load, and, when it came from `${file:…}`, the text as written (read again at every token fetch). */
export interface SecretText {
  readonly value: string;
  readonly template?: string;
}

interface AuthBase {
  /** The key in `auths:`, or the generated name of an inline auth (the check's name). */
  readonly name: string;
}

export interface OAuth2Auth extends AuthBase {
  readonly type: 'oauth2';
  readonly grant: 'client_credentials' | 'password';
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret?: SecretText;
  readonly username?: SecretText;
  readonly password?: SecretText;
  readonly scope?: string;
}

export interface BearerAuth extends AuthBase {
  readonly type: 'bearer';
  readonly token: SecretText;
}

export interface BasicAuth extends AuthBase {
  readonly type: 'basic';
  readonly username: SecretText;
  readonly password: SecretText;
}

export type AuthConfig = OAuth2Auth | BearerAuth | BasicAuth;

/** The text a value was written as when it holds `${file:…}`, by its path in the file; see expand-env.ts. */
export type TemplateAt = (path: readonly PathKey[]) => string | undefined;

export const NO_TEMPLATES: TemplateAt = () => undefined;

function resolveAuth(name: string, input: AuthInput, path: readonly PathKey[], templateAt: TemplateAt): AuthConfig {
  const secret = (key: string, value: string): SecretText => {
    const template = templateAt([...path, key]);
    return template === undefined ? { value } : { value, template };
  };
  switch (input.type) {
    case 'oauth2':
      return {
        name,
        type: 'oauth2',
        grant: input.grant ?? 'client_credentials',
        tokenUrl: input.tokenUrl,
        clientId: input.clientId,
        ...(input.clientSecret === undefined ? {} : { clientSecret: secret('clientSecret', input.clientSecret) }),
        ...(input.username === undefined ? {} : { username: secret('username', input.username) }),
        ...(input.password === undefined ? {} : { password: secret('password', input.password) }),
        ...(input.scope === undefined ? {} : { scope: input.scope }),
      };
    case 'bearer':
      return { name, type: 'bearer', token: secret('token', input.token) };
    case 'basic':
      return { name, type: 'basic', username: secret('username', input.username), password: secret('password', input.password) };
  }
}

export interface AuthResolver {
  /**
   * The auth name a check (or flow step) carries for its `auth` at `path`: the name itself, or,
   * for an inline auth, `inlineName` (made unique against `auths:`), registered in `auths`.
   */
  ref(ref: AuthRefInput | undefined, path: readonly PathKey[], inlineName: string): string | undefined;
  /** Every auth by name: those of `auths:` and the inline ones registered so far. */
  readonly auths: Readonly<Record<string, AuthConfig>>;
}

export function createAuthResolver(input: ConfigInput['auths'], templateAt: TemplateAt): AuthResolver {
  const auths: Record<string, AuthConfig> = {};
  for (const [name, auth] of Object.entries(input ?? {})) auths[name] = resolveAuth(name, auth, ['auths', name], templateAt);
  return {
    auths,
    ref(ref, path, inlineName) {
      if (ref === undefined || typeof ref === 'string') return ref;
      let name = inlineName;
      // Two inline auths never share a token, and neither takes one from `auths:`.
      for (let suffix = 2; Object.hasOwn(auths, name); suffix += 1) name = `${inlineName}-${suffix}`;
      auths[name] = resolveAuth(name, ref, path, templateAt);
      return name;
    },
  };
}

/** An `auth` naming no entry of `auths:`; `names` are the entries. Also for flow steps. */
export function findAuthRefIssue(ref: AuthRefInput | undefined, path: readonly PathKey[], names: readonly string[]): PathIssue | undefined {
  if (typeof ref !== 'string' || names.includes(ref)) return undefined;
  const nearest = suggestNearest(ref, names);
  const hint =
    nearest !== undefined ? `; did you mean "${nearest}"?` : names.length === 0 ? '; the file has no auths: section' : `; auths: has ${names.join(', ')}`;
  return { path, at: 'value', message: `no auth named "${ref}" in auths:${hint}` };
}

/** Every `auth` of an http or sync check (and of each sync side) that names no entry of `auths:`. */
export function findAuthIssues(input: ConfigInput): PathIssue[] {
  const names = Object.keys(input.auths ?? {});
  const issues: (PathIssue | undefined)[] = [];
  input.checks.forEach((check, index) => {
    if (check.kind === 'http') issues.push(findAuthRefIssue(check.auth, ['checks', index, 'auth'], names));
    if (check.kind === 'sync') {
      issues.push(findAuthRefIssue(check.auth, ['checks', index, 'auth'], names));
      issues.push(findAuthRefIssue(check.source.auth, ['checks', index, 'source', 'auth'], names));
      if (check.target !== undefined) issues.push(findAuthRefIssue(check.target.auth, ['checks', index, 'target', 'auth'], names));
    }
    if (check.kind === 'flow')
      check.steps.forEach((step, stepIndex) => issues.push(findAuthRefIssue(step.auth, ['checks', index, 'steps', stepIndex, 'auth'], names)));
  });
  return issues.filter((issue): issue is PathIssue => issue !== undefined);
}
