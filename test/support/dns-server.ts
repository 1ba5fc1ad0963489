// A real authoritative DNS server on loopback UDP for probe tests: records per name, per-name
// failure modes, answers that change at runtime (a DNS move) and a log of what was asked.
// UDP only: c-ares falls back to TCP only for truncated answers, and test answers stay small.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Question } from 'dns-packet';
import type { DnsRecordType, ResolverAddress } from '../../src/config/config.ts';

export interface DnsRecords {
  readonly A?: readonly string[];
  readonly AAAA?: readonly string[];
  /** One target; A/AAAA queries for the name then follow it inside this server's zone. */
  readonly CNAME?: string;
  readonly MX?: readonly { readonly exchange: string; readonly preference: number }[];
  readonly NS?: readonly string[];
  /** One entry per TXT record; an array is one record split into several character-strings. */
  readonly TXT?: readonly (string | readonly string[])[];
}

/** answer = normal; servfail/refused = that rcode; drop = never reply (a dead resolver). */
export type DnsNameMode = 'answer' | 'servfail' | 'refused' | 'drop';

export interface DnsQuery {
  readonly name: string;
  readonly type: string;
  readonly atMs: number;
}

export interface TestDnsServer {
  readonly host: string;
  readonly port: number;
  /** "127.0.0.1:PORT" or "[::1]:PORT", as a resolver setting takes it. */
  readonly address: string;
  readonly resolver: ResolverAddress;
  /** Replaces every record of the name; the next query sees the change. */
  setRecords(name: string, records: DnsRecords): void;
  setMode(name: string, mode: DnsNameMode): void;
  /** Every question received, in order. */
  readonly queries: readonly DnsQuery[];
  /** Questions received for one name (case-insensitive), optionally of one type. */
  queriesFor(name: string, type?: string): DnsQuery[];
  /** Resolves when the next question for the name arrives (lets a test act while a probe waits). */
  nextQuery(name: string): Promise<DnsQuery>;
  close(): Promise<void>;
}

export interface DnsServerOptions {
  readonly host?: '127.0.0.1' | '::1';
  readonly zone?: Readonly<Record<string, DnsRecords>>;
  readonly modes?: Readonly<Record<string, DnsNameMode>>;
}

const TTL_SECONDS = 60;
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
// CNAME chains in tests are one or two long; the bound only stops a loop a test wrote by mistake.
const MAX_CNAME_HOPS = 8;

export async function startDnsServer(options: DnsServerOptions = {}): Promise<TestDnsServer> {
  const host = options.host ?? '127.0.0.1';
  const zone = new Map<string, DnsRecords>();
  const modes = new Map<string, DnsNameMode>();
  for (const [name, records] of Object.entries(options.zone ?? {})) zone.set(normalizeName(name), records);
  for (const [name, mode] of Object.entries(options.modes ?? {})) modes.set(normalizeName(name), mode);
  const queries: DnsQuery[] = [];
  const waiters: { name: string; resolve: (query: DnsQuery) => void }[] = [];

  const socket = createSocket(host === '::1' ? 'udp6' : 'udp4');
  socket.on('message', (message, remote) => {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // not DNS; a real server would drop it too
    }
    const question = query.questions?.[0];
    if (!question) return;
    const received = { name: normalizeName(question.name), type: question.type, atMs: performance.now() };
    queries.push(received);
    for (const waiter of waiters.filter((candidate) => candidate.name === received.name)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(received);
    }
    const mode = modes.get(normalizeName(question.name)) ?? 'answer';
    if (mode === 'drop') return;
    const reply =
      mode === 'servfail'
        ? { rcode: RCODE.SERVFAIL, answers: [] }
        : mode === 'refused'
          ? { rcode: RCODE.REFUSED, answers: [] }
          : answerQuestion(zone, question);
    send(socket, remote, query, reply.rcode, reply.answers);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { port } = socket.address();

  return {
    host,
    port,
    address: host === '::1' ? `[::1]:${port}` : `${host}:${port}`,
    resolver: { host, port },
    setRecords: (name, records) => void zone.set(normalizeName(name), records),
    setMode: (name, mode) => void modes.set(normalizeName(name), mode),
    queries,
    queriesFor: (name, type) => queries.filter((query) => query.name === normalizeName(name) && (type === undefined || query.type === type)),
    nextQuery: (name) => new Promise<DnsQuery>((resolve) => void waiters.push({ name: normalizeName(name), resolve })),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function answerQuestion(zone: Map<string, DnsRecords>, question: Question): { rcode: number; answers: Answer[] } {
  const answers: Answer[] = [];
  let name = normalizeName(question.name);
  // The owner name in answers echoes the question's spelling, as resolvers compare it to what they asked.
  let owner = question.name;
  for (let hop = 0; hop < MAX_CNAME_HOPS; hop += 1) {
    const records = zone.get(name);
    if (!records) return { rcode: hop === 0 ? RCODE.NXDOMAIN : RCODE.NOERROR, answers };
    const own = recordsOfType(owner, records, question.type);
    if (own.length > 0 || question.type === 'CNAME' || records.CNAME === undefined) {
      answers.push(...own);
      return { rcode: RCODE.NOERROR, answers };
    }
    answers.push({ type: 'CNAME', name: owner, ttl: TTL_SECONDS, class: 'IN', data: records.CNAME });
    name = normalizeName(records.CNAME);
    owner = records.CNAME;
  }
  return { rcode: RCODE.SERVFAIL, answers: [] };
}

function recordsOfType(owner: string, records: DnsRecords, type: string): Answer[] {
  const base = { name: owner, ttl: TTL_SECONDS, class: 'IN' as const };
  switch (type as DnsRecordType) {
    case 'A':
      return (records.A ?? []).map((data) => ({ ...base, type: 'A', data }));
    case 'AAAA':
      return (records.AAAA ?? []).map((data) => ({ ...base, type: 'AAAA', data }));
    case 'CNAME':
      return records.CNAME === undefined ? [] : [{ ...base, type: 'CNAME', data: records.CNAME }];
    case 'NS':
      return (records.NS ?? []).map((data) => ({ ...base, type: 'NS', data }));
    case 'MX':
      return (records.MX ?? []).map((mx) => ({ ...base, type: 'MX', data: { exchange: mx.exchange, preference: mx.preference } }));
    case 'TXT':
      return (records.TXT ?? []).map((text) => ({ ...base, type: 'TXT', data: typeof text === 'string' ? text : [...text] }));
  }
}

function send(socket: Socket, remote: RemoteInfo, query: DecodedPacket, rcode: number, answers: Answer[]): void {
  const recursionDesired = query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
  const packet = dnsPacket.encode({
    type: 'response',
    id: query.id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | recursionDesired | rcode,
    questions: query.questions,
    answers,
  });
  socket.send(packet, remote.port, remote.address);
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
