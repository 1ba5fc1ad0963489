// The little of oidc-provider (a test-only OpenID provider, shipped without types) the tests use.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    /** Issued client_credentials tokens: undefined for one unknown, expired or destroyed. */
    readonly ClientCredentials: { find(value: string): Promise<{ destroy(): Promise<void> } | undefined> };
  }
}
