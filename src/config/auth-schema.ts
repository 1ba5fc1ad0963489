// The shape of credentials in the config file: top-level `auths:` (name → auth) and the `auth` key
// of a check, a sync side or a flow step, which is either such a name or an auth written inline.
import { z } from 'zod';
import { HttpUrl } from './schema-primitives.ts';

export const AuthName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, "-" and "_"');

const OAuth2Input = z
  .strictObject({
    type: z.literal('oauth2'),
    grant: z.enum(['client_credentials', 'password']).optional().describe('client_credentials (default) or password'),
    tokenUrl: HttpUrl.describe("The provider's token endpoint, e.g. https://sso.example.vn/realms/x/protocol/openid-connect/token"),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional().describe('Usually "${file:/run/secrets/…}": re-read at every token fetch'),
    username: z.string().min(1).optional().describe('grant: password only'),
    password: z.string().min(1).optional().describe('grant: password only'),
    scope: z.string().min(1).optional(),
  })
  .describe('OAuth 2 token from a Keycloak-style provider; fetched once, shared, renewed before it expires');

const BearerInput = z.strictObject({ type: z.literal('bearer'), token: z.string().min(1) }).describe('A fixed bearer token');

const BasicInput = z.strictObject({ type: z.literal('basic'), username: z.string().min(1), password: z.string() }).describe('HTTP Basic credentials');

export const AuthInput = z.discriminatedUnion('type', [OAuth2Input, BearerInput, BasicInput]).superRefine((auth, ctx) => {
  if (auth.type !== 'oauth2') return;
  const grant = auth.grant ?? 'client_credentials';
  if (grant === 'password') {
    for (const key of ['username', 'password'] as const) {
      if (auth[key] === undefined) ctx.addIssue({ code: 'custom', path: [], message: `grant: password needs "${key}"` });
    }
  } else {
    for (const key of ['username', 'password'] as const) {
      if (auth[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is sent with grant: password only` });
    }
  }
});

/** A check's (or a flow step's) `auth`: the name of an entry in `auths:`, or an auth written in place. */
export const AuthRefInput = z.union([AuthName, AuthInput]).describe('The name of an entry in auths:, or an auth written in place');

export const AuthsInput = z.record(AuthName, AuthInput).describe('Credentials by name; checks name them in their "auth" and share one token');

export type AuthInput = z.output<typeof AuthInput>;
export type AuthRefInput = z.output<typeof AuthRefInput>;
