// A tiny authoritative DNS server (UDP, loopback) for the simulated names, so the demo's dns check
// sees an answer change when the portal "moves" (the dns-changed scenario), without ever asking a
// real resolver. A records only; other types get an empty NOERROR, unknown names NXDOMAIN.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket } from 'dns-packet';

export const SIM_ZONE_ADDRESS = '127.0.0.1';
/** Where dichvucong.sim points during dns-changed: still loopback (nothing listens there), never off the machine. */
export const DNS_CHANGED_ADDRESS = '127.0.0.2';
export const MOVING_NAME = 'dichvucong.sim';
export const SIM_NAMES = [MOVING_NAME, 'quantricong.dichvucong.sim', 'motcua.angiang.sim', 'ssodvc.angiang.sim', 'apidvc.angiang.sim'] as const;
const TTL_SECONDS = 30;
const RCODE_NXDOMAIN = 3;

export interface SimDnsAnswer {
  readonly rcode: number;
  readonly addresses: readonly string[];
}

/** Pure: the answer to one question, given whether the portal's address has changed. */
export function answerSimDns(name: string, type: string, changed: boolean): SimDnsAnswer {
  const normal = name.toLowerCase().replace(/\.$/, '');
  if (!(SIM_NAMES as readonly string[]).includes(normal)) return { rcode: RCODE_NXDOMAIN, addresses: [] };
  if (type !== 'A') return { rcode: 0, addresses: [] };
  return { rcode: 0, addresses: [changed && normal === MOVING_NAME ? DNS_CHANGED_ADDRESS : SIM_ZONE_ADDRESS] };
}

export interface SimDns {
  readonly host: string;
  readonly port: number;
  /** "127.0.0.1:18087", as a check's resolver setting takes it. */
  readonly address: string;
  close(): Promise<void>;
}

export async function startSimDns(options: { host: string; port: number; isChanged: () => boolean }): Promise<SimDns> {
  const socket = createSocket(options.host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (message, remote) => {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // not DNS: drop it, as a real server would
    }
    const question = query.questions?.[0];
    if (query.type !== 'query' || !question) return;
    const { rcode, addresses } = answerSimDns(question.name, question.type, options.isChanged());
    const answers: Answer[] = addresses.map((data) => ({ type: 'A', name: question.name, ttl: TTL_SECONDS, class: 'IN', data }));
    reply(socket, remote, query, rcode, answers);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new Error(`simulator DNS cannot listen on ${options.host}:${options.port} (udp): ${error.message}`, { cause: error }));
    socket.once('error', onError);
    socket.bind(options.port, options.host, () => {
      socket.off('error', onError);
      resolve();
    });
  });
  const { port } = socket.address();
  return {
    host: options.host,
    port,
    address: options.host.includes(':') ? `[${options.host}]:${port}` : `${options.host}:${port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function reply(socket: Socket, remote: RemoteInfo, query: DecodedPacket, rcode: number, answers: Answer[]): void {
  const packet = dnsPacket.encode({
    type: 'response',
    id: query.id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0) | rcode,
    questions: query.questions,
    answers,
  });
  socket.send(packet, remote.port, remote.address);
}
