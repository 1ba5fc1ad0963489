// A real OpenID provider (oidc-provider) on 127.0.0.1 that issues client_credentials tokens, and
// an API beside it that accepts only tokens the provider still knows (unexpired, not revoked).
// Counts the token requests and the API calls, so tests can say how often each was asked.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TokenProvider {
  readonly issuer: string;
  readonly tokenUrl: string;
  /** The API: 200 {"ok":true} with a live token, 401 otherwise. */
  readonly apiUrl: string;
  tokenRequests(): number;
  /** Status codes the API answered, in order. */
  apiAnswers(): readonly number[];
  /** The bearer tokens the API was sent, in order. */
  apiTokens(): readonly string[];
  /** Revokes a token the provider issued: the API refuses it from now on. */
  revoke(token: string): Promise<void>;
  close(): Promise<void>;
}

export async function startTokenProvider(options: { clientSecret: string; ttlSeconds: number }): Promise<TokenProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'dvc-sentinel', client_secret: options.clientSecret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    ttl: { ClientCredentials: () => options.ttlSeconds },
    cookies: { keys: ['token-provider-cookie-key-for-tests'] },
  });
  let tokenRequests = 0;
  const answers: number[] = [];
  const tokens: string[] = [];
  const callback = provider.callback();
  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    if (request.url === '/api/hoso') {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (token !== undefined) tokens.push(token);
      void (token === undefined ? Promise.resolve(undefined) : provider.ClientCredentials.find(token)).then((found) => {
        const status = found === undefined ? 401 : 200;
        answers.push(status);
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(status === 200 ? { ok: true, content: [{ code: 'G01' }] } : { error: 'invalid_token' }));
      });
      return;
    }
    if (request.method === 'POST' && request.url === '/token') tokenRequests += 1;
    callback(request, response);
  });
  return {
    issuer,
    tokenUrl: `${issuer}/token`,
    apiUrl: `${issuer}/api/hoso`,
    tokenRequests: () => tokenRequests,
    apiAnswers: () => answers,
    apiTokens: () => tokens,
    async revoke(token) {
      const found = await provider.ClientCredentials.find(token);
      await found?.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
