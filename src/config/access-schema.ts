// The `access:` block (who may do what on the daemon's server) and `server.tls`, as zod schemas.
// Cross-field rules (unique names, hash format, readable TLS files) are in find-access-issues.ts.
import { z } from 'zod';
import { HttpUrl } from './schema-primitives.ts';

export const RoleInput = z.enum(['viewer', 'operator', 'admin']).describe('viewer: look; operator: work incidents; admin: also the audit log');

const UserName = z.string().regex(/^[\p{L}\p{N}._@-]{1,64}$/u, 'must be 1-64 letters, digits, ".", "_", "@" or "-"');

const SecretHash = z.string().min(1).describe('What `dvc-sentinel hash-password` prints: scrypt$N$r$p$salt$hash');

export const AccessInput = z
  .strictObject({
    users: z
      .array(z.strictObject({ name: UserName, role: RoleInput, passwordHash: SecretHash }))
      .optional()
      .describe('People who sign in with the login form or HTTP Basic'),
    tokens: z
      .array(z.strictObject({ name: UserName, role: RoleInput, tokenHash: SecretHash }))
      .optional()
      .describe('API clients that send "Authorization: Bearer <token>"; the token itself is hashed like a password'),
    anonymous: z
      .enum(['viewer', 'none'])
      .optional()
      .describe('What a request without credentials may see: viewer (default on a loopback listen address) or none (default otherwise)'),
    hideNames: z.boolean().optional().describe('Anonymous viewers never see who wrote a note (default false)'),
    oidc: z
      .strictObject({
        issuer: HttpUrl,
        clientId: z.string().min(1),
        clientSecret: z.string().min(1).describe('Write "${NAME}" to read it from the environment'),
        roleClaim: z.string().min(1).optional().describe('The ID token claim holding the groups or roles (default "groups")'),
        roles: z
          .strictObject({
            viewer: z.array(z.string().min(1)).optional(),
            operator: z.array(z.string().min(1)).optional(),
            admin: z.array(z.string().min(1)).optional(),
          })
          .describe('Which claim values give which role; the highest wins, none = no sign-in'),
      })
      .optional()
      .describe("Single sign-on through the province's OpenID Connect provider (authorization code flow with PKCE)"),
  })
  .describe('Who may do what on the status page and the API');

export const ServerTlsInput = z
  .strictObject({
    certFile: z.string().min(1).describe('PEM certificate chain, relative to the config file'),
    keyFile: z.string().min(1).describe('PEM private key, relative to the config file'),
  })
  .describe('Serve HTTPS with this certificate instead of plain HTTP');
