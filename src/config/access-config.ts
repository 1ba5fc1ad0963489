// The resolved `access:` block and `server.tls`: defaults applied (anonymous viewers only on a
// loopback listen address), file paths made absolute. Pure; the files are read by the loader's
// checks (find-access-issues.ts) and again by the daemon when it starts the server.
import { isAbsolute, resolve, dirname } from 'node:path';
import type { z } from 'zod';
import type { AccessInput, ServerTlsInput } from './access-schema.ts';

export type AccessRole = 'viewer' | 'operator' | 'admin';

export interface AccessUser {
  readonly name: string;
  readonly role: AccessRole;
  /** scrypt$N$r$p$salt$hash, as `dvc-sentinel hash-password` prints it. */
  readonly passwordHash: string;
}

export interface AccessToken {
  readonly name: string;
  readonly role: AccessRole;
  readonly tokenHash: string;
}

export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly roleClaim: string;
  /** Claim values per role. */
  readonly roles: Readonly<Record<AccessRole, readonly string[]>>;
}

export interface AccessConfig {
  readonly users: readonly AccessUser[];
  readonly tokens: readonly AccessToken[];
  readonly anonymous: 'viewer' | 'none';
  readonly hideNames: boolean;
  readonly oidc?: OidcConfig;
}

export interface ServerTlsConfig {
  /** Absolute paths. */
  readonly certFile: string;
  readonly keyFile: string;
}

const DEFAULT_ROLE_CLAIM = 'groups';

export function resolveAccess(input: z.output<typeof AccessInput> | undefined, listenHost: string): AccessConfig {
  const oidc = input?.oidc;
  return {
    users: input?.users ?? [],
    tokens: input?.tokens ?? [],
    anonymous: input?.anonymous ?? (isLoopbackHost(listenHost) ? 'viewer' : 'none'),
    hideNames: input?.hideNames ?? false,
    oidc:
      oidc === undefined
        ? undefined
        : {
            issuer: oidc.issuer,
            clientId: oidc.clientId,
            clientSecret: oidc.clientSecret,
            roleClaim: oidc.roleClaim ?? DEFAULT_ROLE_CLAIM,
            roles: { viewer: oidc.roles.viewer ?? [], operator: oidc.roles.operator ?? [], admin: oidc.roles.admin ?? [] },
          },
  };
}

export function resolveServerTls(input: z.output<typeof ServerTlsInput> | undefined, configFile: string): ServerTlsConfig | undefined {
  if (input === undefined) return undefined;
  return { certFile: absoluteFrom(configFile, input.certFile), keyFile: absoluteFrom(configFile, input.keyFile) };
}

export function absoluteFrom(configFile: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(configFile), path);
}

/** Only this machine can reach a loopback address, so anonymous viewers there are the operators themselves. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
