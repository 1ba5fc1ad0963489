// The national portal's public catalogue API, simulated: a cursor-paged list and a detail call per
// procedure (fees, processing times, dossier components with forms, executing agencies, an embedded
// image and a volatile view counter), scenarios that change the catalogue, a firewall that refuses
// a client going too fast, and a count of requests per second. Also writes the provincial export
// (CSV) a catalogue check compares with.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CATALOGUE_PATHS = {
  list: '/api/v1/submitting/formality/list-all-public-formality-by-citizen',
  detail: '/api/v1/configuring/formality/get-formality-by-citizen',
  /** GET: the provincial export of the procedures as published now (before any scenario). */
  export: '/_sim/provincial-catalogue.csv',
  /** POST|DELETE /_sim/scenarios/<name>: turn a scenario on or off; POST|DELETE /_sim/block. */
  scenarios: '/_sim/scenarios/',
  block: '/_sim/block',
} as const;

const SCENARIOS: readonly CatalogueScenario[] = ['fee-changed', 'time-changed', 'form-changed', 'unpublished'];

/** What a scenario changes, each on a fixed procedure so a test knows what to expect. */
export type CatalogueScenario = 'fee-changed' | 'time-changed' | 'form-changed' | 'unpublished';
export const CATALOGUE_SCENARIO_TARGETS: Readonly<Record<CatalogueScenario, number>> = {
  'fee-changed': 7,
  'time-changed': 12,
  'form-changed': 20,
  unpublished: 30,
};

export interface SimProcedure {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly agency: string;
  readonly fee: number;
  readonly days: number;
  readonly form: string;
}

/** `simulate` serves the catalogue API on the base port plus this (after the SMS gateway's). */
export const CATALOGUE_PORT_OFFSET = 12;

export interface CatalogueSimOptions {
  readonly host?: string;
  /** Default 0: chosen by the OS. */
  readonly port?: number;
  /** How many procedures (default 300). */
  readonly procedures?: number;
  /**
   * The firewall: a client whose request starts sooner than this after its previous one is refused
   * with 403 "Request Rejected". 0 (default) = no firewall.
   */
  readonly minIntervalMs?: number;
  /** Milliseconds each answer waits before it is sent (default 0). */
  readonly latencyMs?: number;
}

export interface CatalogueSim {
  readonly url: string;
  readonly procedures: readonly SimProcedure[];
  /** Turns a scenario on (or off). */
  set(scenario: CatalogueScenario, on: boolean): void;
  /** Refuse every request (403 "Request Rejected") while on. */
  block(on: boolean): void;
  /** The procedures as the portal publishes them now, scenarios applied. */
  published(): SimProcedure[];
  /** Milliseconds (performance.now()) at which each request arrived. */
  readonly arrivals: readonly number[];
  /** The most requests that arrived within any one second. */
  maxPerSecond(): number;
  readonly refused: () => number;
  /** Resolves once `count` details have been served in all. */
  detailsReached(count: number): Promise<void>;
  /** How many times each procedure's detail was served (by id). */
  readonly detailsServed: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

const AGENCIES = ['Sở Tư pháp', 'Sở Xây dựng', 'Sở Công Thương', 'Sở Y tế', 'UBND cấp xã'];
const IMAGE = `data:image/png;base64,${'iVBORw0KGgo'.repeat(40)}`;

export function simProcedures(count: number): SimProcedure[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `f${String(index + 1).padStart(5, '0')}`,
    code: `1.${String(10000 + index).padStart(6, '0')}.000.00.00.H01`,
    name: `Thủ tục hành chính số ${index + 1}`,
    agency: AGENCIES[index % AGENCIES.length]!,
    fee: (index % 5) * 25000,
    days: 5 + (index % 4) * 5,
    form: `Mau-${String(index + 1).padStart(3, '0')}.docx`,
  }));
}

export async function startCatalogueSim(options: CatalogueSimOptions = {}): Promise<CatalogueSim> {
  const procedures = simProcedures(options.procedures ?? 300);
  const scenarios = new Set<CatalogueScenario>();
  const arrivals: number[] = [];
  const lastByClient = new Map<string, number>();
  let blocked = false;
  let refused = 0;
  let views = 0;
  const detailsServed = new Map<string, number>();
  let served = 0;
  const waiters: { count: number; resolve: () => void }[] = [];

  const published = (): SimProcedure[] =>
    procedures.flatMap((procedure, index) => {
      if (scenarios.has('unpublished') && index === CATALOGUE_SCENARIO_TARGETS.unpublished) return [];
      return [
        {
          ...procedure,
          fee: scenarios.has('fee-changed') && index === CATALOGUE_SCENARIO_TARGETS['fee-changed'] ? procedure.fee + 15000 : procedure.fee,
          days: scenarios.has('time-changed') && index === CATALOGUE_SCENARIO_TARGETS['time-changed'] ? procedure.days + 3 : procedure.days,
          form:
            scenarios.has('form-changed') && index === CATALOGUE_SCENARIO_TARGETS['form-changed']
              ? `${procedure.form.replace('.docx', '')}-sua-doi.docx`
              : procedure.form,
        },
      ];
    });

  const detailOf = (procedure: SimProcedure) => ({
    id: procedure.id,
    code: procedure.code,
    name: procedure.name,
    isProvince: true,
    viewCount: ++views,
    updatedAt: new Date().toISOString(),
    description: `<p>Hướng dẫn</p><img src="${IMAGE}">`,
    executionMethods: ['ONLINE', 'DIRECT'].map((submissionMethod) => ({
      submissionMethod,
      processingTime: procedure.days,
      processingTimeUnit: 'WORKING_DAY',
      fees: procedure.fee === 0 ? [] : [{ name: 'Lệ phí', amount: procedure.fee }],
    })),
    executionCases: [
      {
        profileComponents: [
          { name: 'Tờ khai', originalQty: 1, copyQty: 0, attachments: [{ fileName: procedure.form, icon: IMAGE }] },
          { name: 'Giấy tờ tùy thân', originalQty: 0, copyQty: 1, attachments: [] },
        ],
      },
    ],
    departmentsExecuting: [{ code: 'STP', name: procedure.agency }],
    departmentsAuthority: [{ name: 'UBND tỉnh' }],
  });

  const control = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === CATALOGUE_PATHS.export) {
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' }).end(provincialExportCsv(procedures));
      return true;
    }
    const on = req.method === 'POST' ? true : req.method === 'DELETE' ? false : undefined;
    if (on !== undefined && url === CATALOGUE_PATHS.block) {
      blocked = on;
      res.writeHead(204).end();
      return true;
    }
    const name = url.startsWith(CATALOGUE_PATHS.scenarios) ? url.slice(CATALOGUE_PATHS.scenarios.length) : undefined;
    if (on !== undefined && name !== undefined) {
      const scenario = SCENARIOS.find((candidate) => candidate === name);
      if (scenario === undefined) res.writeHead(404, { 'content-type': 'text/plain' }).end(`scenarios: ${SCENARIOS.join(', ')}\n`);
      else {
        if (on) scenarios.add(scenario);
        else scenarios.delete(scenario);
        res.writeHead(204).end();
      }
      return true;
    }
    return false;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The simulator's own controls are not the portal's traffic: not counted, never refused.
    if (control(req, res)) return;
    const now = performance.now();
    arrivals.push(now);
    const client = req.socket.remoteAddress ?? '';
    const previous = lastByClient.get(client);
    lastByClient.set(client, now);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const tooFast = options.minIntervalMs !== undefined && options.minIntervalMs > 0 && previous !== undefined && now - previous < options.minIntervalMs;
    if (blocked || tooFast) {
      refused++;
      res
        .writeHead(403, { 'content-type': 'text/html; charset=utf-8' })
        .end('<html><body><h1>Request Rejected</h1><p>Your support ID is: 1234</p></body></html>');
      return;
    }
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":"BAD_REQUEST"}');
      return;
    }
    const answer = (data: unknown) => res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ code: 'OK', data }));
    if (req.method === 'POST' && req.url === CATALOGUE_PATHS.list) {
      const limit = Math.min(Math.max(Number(body.limit) || 10, 1), 100);
      const lastId = typeof body.lastId === 'string' ? body.lastId : '';
      const all = published();
      const after = all.filter((procedure) => procedure.id > lastId).slice(0, limit);
      answer({
        items: after.map((procedure) => ({ id: procedure.id, code: procedure.code, name: procedure.name, type: 'TTHC' })),
        lastId: after.at(-1)?.id ?? '',
        total: all.length,
      });
      return;
    }
    if (req.method === 'POST' && req.url === CATALOGUE_PATHS.detail) {
      const procedure = published().find((candidate) => candidate.id === body.id);
      if (procedure === undefined) res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"NOT_FOUND"}');
      else {
        detailsServed.set(procedure.id, (detailsServed.get(procedure.id) ?? 0) + 1);
        answer(detailOf(procedure));
        served++;
        for (const waiter of waiters.filter((candidate) => candidate.count <= served)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      return;
    }
    res.writeHead(404).end();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    procedures,
    set: (scenario, on) => void (on ? scenarios.add(scenario) : scenarios.delete(scenario)),
    block: (on) => {
      blocked = on;
    },
    published,
    arrivals,
    maxPerSecond: () => {
      let most = 0;
      for (let start = 0, end = 0; end < arrivals.length; end++) {
        while (arrivals[end]! - arrivals[start]! >= 1000) start++;
        most = Math.max(most, end - start + 1);
      }
      return most;
    },
    refused: () => refused,
    detailsServed,
    detailsReached: (count) => (served >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The provincial export as VNPT hands it over: one row per procedure, fees with thousand
 * separators, times in words. `missing` leaves a code out; `fees` overrides a code's fee text.
 */
export function provincialExportCsv(
  procedures: readonly SimProcedure[],
  changes: { missing?: readonly string[]; fees?: Readonly<Record<string, string>> } = {},
): string {
  const quote = (text: string) => (/[",\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const rows = [['Mã TTHC', 'Tên thủ tục', 'Lệ phí', 'Thời hạn', 'Cơ quan thực hiện']];
  for (const procedure of procedures) {
    if (changes.missing?.includes(procedure.code)) continue;
    const fee = changes.fees?.[procedure.code] ?? (procedure.fee === 0 ? 'Không' : `${procedure.fee.toLocaleString('de-DE')} đồng`);
    rows.push([procedure.code, procedure.name, fee, `${procedure.days} ngày làm việc`, procedure.agency]);
  }
  return `\uFEFF${rows.map((row) => row.map(quote).join(',')).join('\r\n')}\r\n`;
}
