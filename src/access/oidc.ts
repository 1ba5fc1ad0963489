// Single sign-on through an OpenID Connect provider (the province's Keycloak) with openid-client:
// the authorization code flow with PKCE, state and nonce. Each sign-in in progress is kept here
// under a random id that a short-lived cookie carries, so a callback only completes in the browser
// that started it. The role comes from one claim (access.oidc.roleClaim) through access.oidc.roles.
import * as client from 'openid-client';
import type { Logger } from 'pino';
import type { MonotonicClock } from '../clock.ts';
import type { OidcConfig } from '../config/access-config.ts';
import type { Role } from '../state/desk-records.ts';
import { readCookie, serializeCookie } from './cookies.ts';
import { randomToken } from './sessions.ts';

export interface OidcSignIn {
  /** Where to send the browser, and the cookie that ties the callback to it. */
  begin(redirectUri: string): Promise<{ readonly location: string; readonly setCookie: string }>;
  /** The person the provider vouched for, with the role their claim maps to; undefined when refused (logged). */
  complete(callbackUrl: URL, redirectUri: string, cookieHeader: string | undefined): Promise<{ readonly name: string; readonly role: Role } | undefined>;
}

const OIDC_FLOW_COOKIE = 'dvc_oidc';
const FLOW_SECONDS = 600;
const MAX_FLOWS = 1_000;
const ROLES_HIGH_FIRST: readonly Role[] = ['admin', 'operator', 'viewer'];

interface Flow {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly redirectUri: string;
  readonly startedMs: number;
}

export function createOidcSignIn(options: {
  readonly config: () => OidcConfig | undefined;
  readonly log: Logger;
  readonly monotonic: MonotonicClock;
  readonly secureCookies: boolean;
}): OidcSignIn {
  const { log, monotonic } = options;
  const flows = new Map<string, Flow>();
  let discovered: { key: string; configuration: Promise<client.Configuration> } | undefined;

  const configuration = (oidc: OidcConfig): Promise<client.Configuration> => {
    const key = JSON.stringify([oidc.issuer, oidc.clientId, oidc.clientSecret]);
    if (discovered?.key !== key) {
      // An http:// issuer is a provider on the internal network; openid-client refuses it unless told.
      const execute = oidc.issuer.startsWith('http://') ? [client.allowInsecureRequests] : [];
      const configuration = client.discovery(new URL(oidc.issuer), oidc.clientId, oidc.clientSecret, undefined, { execute });
      // A provider that was down is asked again at the next sign-in.
      configuration.catch(() => {
        if (discovered?.configuration === configuration) discovered = undefined;
      });
      discovered = { key, configuration };
    }
    return discovered.configuration;
  };
  const required = (): OidcConfig => {
    const oidc = options.config();
    if (oidc === undefined) throw new Error('single sign-on is not configured (access.oidc)');
    return oidc;
  };

  return {
    async begin(redirectUri) {
      const oidc = required();
      const config = await configuration(oidc);
      const now = monotonic();
      for (const [id, flow] of flows) if (now - flow.startedMs > FLOW_SECONDS * 1000) flows.delete(id);
      while (flows.size >= MAX_FLOWS) flows.delete(flows.keys().next().value!);
      const flow: Flow = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), redirectUri, startedMs: now };
      const id = randomToken();
      flows.set(id, flow);
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile email',
        code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      // Lax, not Strict: the callback is a navigation from the provider's site.
      const setCookie = serializeCookie(OIDC_FLOW_COOKIE, id, {
        secure: options.secureCookies,
        sameSite: 'Lax',
        path: '/login/oidc',
        maxAgeSeconds: FLOW_SECONDS,
      });
      return { location: url.href, setCookie };
    },

    async complete(callbackUrl, redirectUri, cookieHeader) {
      const oidc = required();
      const id = readCookie(cookieHeader, OIDC_FLOW_COOKIE);
      const flow = id === undefined ? undefined : flows.get(id);
      if (id !== undefined) flows.delete(id);
      if (flow === undefined || monotonic() - flow.startedMs > FLOW_SECONDS * 1000 || flow.redirectUri !== redirectUri) {
        log.warn('single sign-on refused: no sign-in in progress for this browser (expired, replayed or started elsewhere)');
        return undefined;
      }
      try {
        const config = await configuration(oidc);
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: flow.verifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        let claims: Record<string, unknown> = { ...tokens.claims() };
        // Keycloak puts groups in the ID token only with a mapper; the userinfo endpoint has them otherwise.
        if (readClaim(claims, oidc.roleClaim) === undefined && typeof claims.sub === 'string') {
          claims = { ...claims, ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)) };
        }
        const name = [claims.preferred_username, claims.email, claims.sub].find((value): value is string => typeof value === 'string' && value !== '');
        const role = roleOf(readClaim(claims, oidc.roleClaim), oidc);
        if (name === undefined || role === undefined) {
          log.warn({ user: name, claim: oidc.roleClaim }, 'single sign-on refused: the claim maps to no role');
          return undefined;
        }
        return { name, role };
      } catch (error) {
        // openid-client's errors name the check that failed, never a secret.
        log.warn({ err: error }, 'single sign-on failed');
        return undefined;
      }
    },
  };
}

/** A claim by name, or by a dotted path into nested claims (Keycloak: "realm_access.roles"). */
function readClaim(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The highest role any of the claim's values gives. */
function roleOf(claim: unknown, oidc: OidcConfig): Role | undefined {
  const values = Array.isArray(claim) ? claim.filter((value): value is string => typeof value === 'string') : typeof claim === 'string' ? [claim] : [];
  return ROLES_HIGH_FIRST.find((role) => oidc.roles[role].some((wanted) => values.includes(wanted)));
}
