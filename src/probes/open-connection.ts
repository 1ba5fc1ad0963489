// Opens one fresh TCP (and optionally TLS) connection, timing each phase. Shared by the http, tls
// and tcp probes. Records what the certificate verification said but never judges it: callers do.
import net from 'node:net';
import tls from 'node:tls';
import { monotonicMs, secondsSince } from '../clock.ts';
import type { IpFamily, ResolverAddress, TlsPolicy } from '../config/config.ts';
import { probeMessage, type CertificateInfo, type Lookup, type Phase } from './probe.ts';
import { ProbeFailure, timeoutFailure } from './probe-failure.ts';
import { resolveHost } from './resolve-host.ts';
import { certificateInfo } from './certificate.ts';

export interface ConnectionTarget {
  readonly host: string;
  readonly port: number;
  /** Present = do a TLS handshake after connecting. */
  readonly tls?: {
    /** SNI; default host. Never sent when it is an IP (SNI carries names only). */
    readonly servername?: string;
    readonly policy: TlsPolicy;
  };
}

export interface ConnectOptions {
  readonly family: IpFamily;
  readonly resolver?: ResolverAddress;
  readonly lookup?: Lookup;
  /** The hard deadline: destroys the socket in whatever phase it is in. */
  readonly signal: AbortSignal;
  /** Milliseconds until that deadline, so a configured resolver spreads its retries over it. */
  readonly timeoutMs?: number;
  /** Filled in as each phase completes, so a caller still has them when a later phase fails. */
  readonly phases?: Partial<Record<Phase, number>>;
  /** For certificate days left; default the system clock. */
  readonly now?: () => Date;
  /** Told of every socket opened (the raw one, then the TLS one), so the deadline can see what arrived. */
  readonly onSocket?: (socket: net.Socket) => void;
}

export interface OpenedConnection {
  readonly socket: net.Socket;
  readonly remoteAddress: string;
  /** Seconds. dns is absent when host is an IP literal (nothing was resolved). */
  readonly phases: Partial<Record<Phase, number>>;
  readonly certificate?: CertificateInfo;
  readonly peer?: tls.PeerCertificate;
  /** Chain verification only; the host name is checked by judgeCertificate. */
  readonly authorized?: boolean;
  /** OpenSSL's code, e.g. CERT_HAS_EXPIRED or UNABLE_TO_VERIFY_LEAF_SIGNATURE. */
  readonly authorizationError?: string;
  readonly tlsProtocol?: string;
}

/**
 * Resolves, connects and (for tls targets) handshakes. Rejects only with a ProbeFailure:
 * dns, connect, tls or timeout. Addresses are tried in resolver order until one accepts;
 * a refused or unreachable address falls through to the next, a hanging one runs into the deadline.
 */
export async function openConnection(target: ConnectionTarget, options: ConnectOptions): Promise<OpenedConnection> {
  const phases = options.phases ?? {};
  const bareHost = stripBrackets(target.host);
  let mark = monotonicMs();
  const literal = net.isIP(bareHost) !== 0;
  // An address needs no resolving, nor the turns of the event loop an await costs.
  const addresses = literal ? [bareHost] : await resolveHost(bareHost, options);
  if (!literal) phases.dns = secondsSince(mark);

  mark = monotonicMs();
  // TLS targets are dialled with tls.connect itself (the handshake starts as the connection opens):
  // a plain socket wrapped afterwards cost about 0.09 ms of CPU more per probe.
  const seen: Seen = {};
  const secureOptions = target.tls === undefined ? undefined : secureOptionsFor(bareHost, target.tls, seen);
  // The address dialled: asking the socket (getpeername) would be a system call per probe for the same answer.
  const { socket, address: remoteAddress } = await connectFirst(bareHost, addresses, target.port, options.signal, options.onSocket, secureOptions);
  phases.connect = secondsSince(mark);
  if (!target.tls) return { socket, remoteAddress, phases };

  mark = monotonicMs();
  const secure = await handshake(socket as tls.TLSSocket, options.signal, describeEndpoint(bareHost, remoteAddress, target.port));
  const seenPeer = seen.peer;
  phases.tls = secondsSince(mark);
  // Node hands the certificate to checkServerIdentity once the chain verified; only a chain that
  // did not verify needs it parsed again (parsing it is a large part of a probe's own CPU).
  const peer = seenPeer ?? secure.getPeerCertificate();
  const hasPeer = peer !== null && typeof peer === 'object' && typeof peer.valid_to === 'string';
  // Node types authorizationError as Error, but at run time it is OpenSSL's code string.
  const authorizationError =
    secure.authorizationError === undefined || secure.authorizationError === null
      ? undefined
      : String((secure.authorizationError as unknown as { code?: string }).code ?? secure.authorizationError);
  return {
    socket: secure,
    remoteAddress,
    phases,
    certificate: hasPeer ? certificateInfo(peer, (options.now ?? (() => new Date()))()) : undefined,
    peer: hasPeer ? peer : undefined,
    authorized: secure.authorized,
    authorizationError,
    tlsProtocol: secure.getProtocol() ?? undefined,
  };
}

/** "10.0.0.1:443", "[::1]:443", or "portal.example (10.0.0.1:443)" when a name was resolved. */
export function describeEndpoint(host: string, address: string, port: number): string {
  const endpoint = net.isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
  return host === address || net.isIP(host) ? endpoint : `${host} (${endpoint})`;
}

function stripBrackets(host: string): string {
  return host.replace(/^\[|\]$/g, '');
}

async function connectFirst(
  host: string,
  addresses: readonly string[],
  port: number,
  signal: AbortSignal,
  onSocket: ConnectOptions['onSocket'],
  secureOptions: tls.ConnectionOptions | undefined,
): Promise<{ socket: net.Socket; address: string }> {
  let lastFailure: ProbeFailure | undefined;
  for (const address of addresses) {
    try {
      return { socket: await connectOne(host, address, port, signal, onSocket, secureOptions), address };
    } catch (error) {
      if (!(error instanceof ProbeFailure) || error.reason !== 'connect') throw error;
      lastFailure = error;
    }
  }
  if (!lastFailure) throw new Error('connectFirst needs at least one address');
  if (addresses.length === 1) throw lastFailure;
  const last = lastFailure.detail;
  const detail = last?.code === 'connect_failed' ? probeMessage('connect_failed', { ...last.params, addresses: addresses.length }) : last;
  throw new ProbeFailure('connect', `${lastFailure.message} (all ${addresses.length} addresses failed)`, {
    phase: 'connect',
    cause: lastFailure.cause,
    detail,
  });
}

function connectOne(
  host: string,
  address: string,
  port: number,
  signal: AbortSignal,
  onSocket: ConnectOptions['onSocket'],
  secureOptions: tls.ConnectionOptions | undefined,
): Promise<net.Socket> {
  if (signal.aborted) return Promise.reject(timeoutFailure(signal, 'connect'));
  return new Promise((resolve, reject) => {
    // A TLS socket says 'connect' when the TCP connection is up, then 'secureConnect' (handshake below).
    const socket = secureOptions === undefined ? net.connect({ host: address, port }) : tls.connect({ ...secureOptions, host: address, port });
    onSocket?.(socket);
    const settle = (): void => {
      signal.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('connect', onConnect);
    };
    const onAbort = (): void => {
      settle();
      socket.destroy();
      reject(timeoutFailure(signal, 'connect'));
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      settle();
      socket.destroy();
      const endpoint = describeEndpoint(host, address, port);
      const detail = probeMessage('connect_failed', { endpoint, code: error.code ?? 'unknown' });
      reject(new ProbeFailure('connect', describeConnectError(endpoint, error), { phase: 'connect', cause: error, detail }));
    };
    const onConnect = (): void => {
      settle();
      resolve(socket);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('connect', onConnect);
  });
}

function describeConnectError(endpoint: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${endpoint}`;
    case 'ECONNRESET':
      return `connection reset by ${endpoint}`;
    case 'EHOSTUNREACH':
      return `no route to host ${endpoint} (EHOSTUNREACH)`;
    case 'ENETUNREACH':
      return `network unreachable for ${endpoint} (ENETUNREACH)`;
    case 'ETIMEDOUT':
      return `connecting to ${endpoint} timed out in the operating system (ETIMEDOUT)`;
    case 'EADDRNOTAVAIL':
      return `cannot reach ${endpoint} from this machine (EADDRNOTAVAIL)`;
    default:
      return `cannot connect to ${endpoint}: ${error.code ?? error.message}`;
  }
}

// One secure context per distinct CA file, and one for the system's roots: tls.connect without
// one builds a new context (an OpenSSL SSL_CTX) for every connection, which costs CPU on every
// https probe and ~50 MB RSS under load.
const contextsByCa = new Map<string, tls.SecureContext>();
let systemRootsContext: tls.SecureContext | undefined;

function secureContextFor(policy: TlsPolicy): tls.SecureContext {
  if (policy.ca === undefined) {
    systemRootsContext ??= tls.createSecureContext();
    return systemRootsContext;
  }
  let context = contextsByCa.get(policy.ca);
  if (!context) {
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, policy.ca] });
    contextsByCa.set(policy.ca, context);
  }
  return context;
}

/** What the handshake showed before it ended: the peer certificate as Node parsed it for checkServerIdentity. */
interface Seen {
  peer?: tls.PeerCertificate;
}

function secureOptionsFor(host: string, target: NonNullable<ConnectionTarget['tls']>, seen: Seen): tls.ConnectionOptions {
  const servername = stripBrackets(target.servername ?? host);
  return {
    servername: net.isIP(servername) ? undefined : servername,
    ALPNProtocols: ['http/1.1'],
    // Verification is recorded (authorized, authorizationError) and judged by the caller, so an
    // expiring or untrusted certificate is still read and reported precisely.
    rejectUnauthorized: false,
    // The name is checked by judgeCertificate against the name the check asked for; Node would
    // check an IP target against "localhost" here. The certificate it passes is kept, so it is
    // not parsed a second time.
    checkServerIdentity: (_host, certificate) => {
      seen.peer = certificate;
      return undefined;
    },
    secureContext: secureContextFor(target.policy),
  };
}

/** Waits for the handshake the socket began as it connected. */
function handshake(secure: tls.TLSSocket, signal: AbortSignal, endpoint: string): Promise<tls.TLSSocket> {
  if (signal.aborted) {
    secure.destroy();
    return Promise.reject(timeoutFailure(signal, 'tls'));
  }
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      signal.removeEventListener('abort', onAbort);
      secure.off('error', onError);
      secure.off('secureConnect', onSecure);
    };
    const onAbort = (): void => {
      settle();
      secure.destroy();
      reject(timeoutFailure(signal, 'tls'));
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      settle();
      secure.destroy();
      const described = describeHandshakeError(error);
      const detail = probeMessage('tls_handshake_failed', { endpoint, ...(error.code === undefined ? {} : { code: error.code }), detail: described });
      reject(new ProbeFailure('tls', `TLS handshake with ${endpoint} failed: ${described}`, { phase: 'tls', cause: error, detail }));
    };
    const onSecure = (): void => {
      settle();
      resolve(secure);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    secure.once('error', onError);
    secure.once('secureConnect', onSecure);
  });
}

function describeHandshakeError(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNRESET') return 'the server closed the connection during the handshake';
  if (error.code === 'ERR_SSL_WRONG_VERSION_NUMBER') return 'the server does not speak TLS on this port (wrong version number)';
  const text = error.message.split('\n')[0] ?? '';
  return error.code && !text.includes(error.code) ? `${text} (${error.code})` : text;
}
