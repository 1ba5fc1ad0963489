// Starts the portal simulator: every simulated system on its own loopback port (so each is its own
// origin), a DNS server, an HTTPS origin and a control endpoint, all in one process. Scenarios are
// switched by hand, through the control endpoint or by a looping timeline; a ticker reconciles the
// servers with the active scenarios and the (injectable) clock.
//
// Port map, with basePort B (the demo uses B = 18080; B = 0 lets the OS choose every port):
//   B+0 national portal (HTTP): /, /thu-tuc-hanh-chinh, /tra-cuu-ho-so, POST public formality API
//   B+1 quantricong (coordination system) login page
//   B+2 provincial back office (motcua) login page
//   B+3 provincial login server (Keycloak realm digo): OpenID discovery document
//   B+4 provincial sync-status API (Bearer token required): /api/sync/status, /api/dossiers/<code>
//   B+5 national sync-status API: /api/sync/status, /api/dossiers/<code>
//   B+6 HTTPS origin with the national portal's pages (certificate signed by <certDir>/ca.pem)
//   B+7 DNS, UDP: dichvucong.sim and friends → 127.0.0.1
//   B+8 control endpoint: GET /scenarios, POST|DELETE /scenarios/<name>, POST /reset, PUT|DELETE /timeline
import { randomInt } from 'node:crypto';
import { pino, type Logger } from 'pino';
import type { RequestHandler } from 'msw';
import { createSimCertificates, DEFAULT_CERT_DIR } from './certificates.ts';
import { createControlHandlers, type ControlState, type SimController } from './control.ts';
import { startSimDns, type SimDns } from './dns.ts';
import { createDossierFlow } from './dossier-flow.ts';
import { createHandlers, type OriginName } from './handlers.ts';
import {
  FAULT_NAMES,
  isScenarioName,
  parseTimeline,
  pickLatencyMs,
  portalPhaseAt,
  SCENARIOS,
  SLOW_QUANTRICONG_LATENCY_MS,
  switchScenario,
  timelinePositionAt,
  type FaultName,
  type LatencyRangeMs,
  type ScenarioName,
  type Timeline,
} from './scenarios.ts';
import { serveHandlers, type ServedHandlers } from './serve-handlers.ts';
import { formatVietnamTime } from './vietnam-time.ts';

export const PORT_OFFSETS = {
  national: 0,
  quantricong: 1,
  provincial: 2,
  provincialSso: 3,
  syncProvincial: 4,
  syncNational: 5,
  https: 6,
  dns: 7,
  control: 8,
} as const;

export const DEFAULT_BASE_PORT = 18080;

export interface SimulatorOptions {
  readonly host?: string;
  /** First of nine consecutive ports (see the port map); 0 = OS-chosen ports. Default 18080. */
  readonly basePort?: number;
  /** "demo" or steps such as "healthy:60s,portal-down:90s"; none = stay healthy until told. */
  readonly timeline?: string;
  readonly now?: () => Date;
  readonly log?: Logger;
  /** Where the CA and server certificates are written; default data/sim under the working directory. */
  readonly certDir?: string;
  /** Latency range of slow-quantricong answers; default 3000-8000 ms. */
  readonly slowLatencyMs?: LatencyRangeMs;
  /** How long portal-down answers 503 before it refuses connections; default 30 s. */
  readonly portalUnavailableSeconds?: number;
  /** How often the clock is checked for timeline steps and the portal-down phase; default 1000 ms. */
  readonly tickMs?: number;
  /** How far the national sync watermark trails the provincial one when healthy; default 2 s. */
  readonly syncDelaySeconds?: number;
}

export interface SimulatorUrls {
  readonly national: string;
  readonly quantricong: string;
  readonly provincial: string;
  readonly provincialSso: string;
  readonly syncProvincial: string;
  readonly syncNational: string;
  readonly https: string;
  readonly control: string;
}

export interface Simulator {
  readonly urls: SimulatorUrls;
  readonly dns: { readonly address: string };
  /** The CA PEM file that signs the HTTPS origin's certificates. */
  readonly caFile: string;
  /** Throws for an unknown name. Socket changes (portal-down) finish by the next settle(). */
  setScenario(name: string, on: boolean): void;
  activeScenarios(): FaultName[];
  describe(): ControlState;
  /** Applies the clock (timeline step, portal-down phase) now and waits until the sockets match. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const basePort = options.basePort ?? DEFAULT_BASE_PORT;
  if (!Number.isInteger(basePort) || basePort < 0 || basePort + PORT_OFFSETS.control > 65535) {
    throw new Error(`basePort ${basePort} must be 0 or leave room for ${PORT_OFFSETS.control + 1} ports below 65536`);
  }
  const portOf = (offset: number) => (basePort === 0 ? 0 : basePort + offset);
  const now = options.now ?? (() => new Date());
  const log = options.log ?? pino({ level: 'silent' });
  const slow = options.slowLatencyMs ?? SLOW_QUANTRICONG_LATENCY_MS;
  const portalUnavailableMs = (options.portalUnavailableSeconds ?? 30) * 1000;
  let timeline: { timeline: Timeline; startedAtMs: number; stepKey: string } | undefined =
    options.timeline === undefined ? undefined : { timeline: parseTimeline(options.timeline), startedAtMs: now().getTime(), stepKey: '' };

  const certificates = await createSimCertificates(options.certDir ?? DEFAULT_CERT_DIR);
  const flow = createDossierFlow({ now, syncDelaySeconds: options.syncDelaySeconds });
  let active = new Map<FaultName, number>();
  let supportCounter = 0;
  let presentingExpiring = false;
  const servers = new Map<OriginName | 'control', ServedHandlers>();
  let dnsServer: SimDns | undefined;

  const handlers = createHandlers({
    isActive: (fault) => active.has(fault),
    portalPhase: () => portalPhaseAt(active, now().getTime(), portalUnavailableMs),
    flow,
    slowLatencyMs: () => pickLatencyMs(slow),
    nextSupportId: () => `${randomInt(1e9, 1e10 - 1)}${String((supportCounter += 1)).padStart(9, '0')}`,
    provincialSsoOrigin: () => servers.get('provincialSso')?.url ?? '',
  });

  /** Timeline and side effects that need no I/O; safe to call from anywhere. */
  const applyClock = (): void => {
    const nowMs = now().getTime();
    if (timeline) {
      const position = timelinePositionAt(timeline.timeline, timeline.startedAtMs, nowMs);
      const key = `${position.loop}:${position.index}`;
      if (key !== timeline.stepKey) {
        timeline.stepKey = key;
        const next = new Map<FaultName, number>();
        for (const fault of position.step.faults) next.set(fault, active.get(fault) ?? nowMs);
        active = next;
        log.info({ timeline: timeline.timeline.name, step: position.index, faults: position.step.faults }, 'simulator timeline step');
      }
    }
    if (flow.isStalled() !== active.has('sync-stalled')) flow.setStalled(active.has('sync-stalled'));
    const https = servers.get('https');
    if (https && presentingExpiring !== active.has('cert-expiring')) {
      presentingExpiring = active.has('cert-expiring');
      https.setIdentity(presentingExpiring ? certificates.expiring : certificates.healthy);
    }
  };

  // Opening and closing the portal's listener is serialised so two ticks never race on the port.
  let socketWork: Promise<void> = Promise.resolve();
  let closed = false;
  const applySockets = async (): Promise<void> => {
    const national = servers.get('national');
    if (!national || closed) return;
    const refuse = portalPhaseAt(active, now().getTime(), portalUnavailableMs) === 'refused';
    if (refuse && national.isListening()) {
      await national.suspend();
      log.info({ url: national.url }, 'simulator national portal stopped listening');
    } else if (!refuse && !national.isListening()) {
      await national.resume();
      log.info({ url: national.url }, 'simulator national portal listening again');
    }
  };
  const settle = (): Promise<void> => {
    applyClock();
    socketWork = socketWork.then(applySockets).catch((error: unknown) => {
      // The next tick tries again (e.g. the port was briefly taken by someone else).
      log.error({ err: error }, 'simulator could not change the national portal listener');
    });
    return socketWork;
  };

  const setScenario = (name: ScenarioName, on: boolean): Promise<void> => {
    active = switchScenario(active, name, on, now().getTime());
    log.info({ scenario: name, on, active: [...active.keys()] }, 'simulator scenario switched');
    return settle();
  };

  const describe = (): ControlState => {
    let timelineState: ControlState['timeline'] = null;
    if (timeline) {
      const position = timelinePositionAt(timeline.timeline, timeline.startedAtMs, now().getTime());
      timelineState = { name: timeline.timeline.name, step: position.index, faults: position.step.faults, stepEndsAt: formatVietnamTime(position.endsAtMs) };
    }
    return {
      active: FAULT_NAMES.filter((fault) => active.has(fault)),
      available: Object.entries(SCENARIOS).map(([name, description]) => ({ name: name as ScenarioName, description })),
      portal: portalPhaseAt(active, now().getTime(), portalUnavailableMs),
      timeline: timelineState,
    };
  };

  const controller: SimController = {
    describe,
    setScenario,
    async reset() {
      active = new Map();
      flow.reset();
      if (timeline) timeline = { ...timeline, startedAtMs: now().getTime(), stepKey: '' };
      log.info('simulator reset');
      await settle();
    },
    async setTimeline(spec) {
      timeline = spec === undefined ? undefined : { timeline: parseTimeline(spec), startedAtMs: now().getTime(), stepKey: '' };
      log.info({ timeline: spec ?? null }, 'simulator timeline set');
      await settle();
    },
  };

  const origins: [OriginName | 'control', RequestHandler[], number][] = [
    ['national', handlers.national, PORT_OFFSETS.national],
    ['quantricong', handlers.quantricong, PORT_OFFSETS.quantricong],
    ['provincial', handlers.provincial, PORT_OFFSETS.provincial],
    ['provincialSso', handlers.provincialSso, PORT_OFFSETS.provincialSso],
    ['syncProvincial', handlers.syncProvincial, PORT_OFFSETS.syncProvincial],
    ['syncNational', handlers.syncNational, PORT_OFFSETS.syncNational],
    ['https', handlers.https, PORT_OFFSETS.https],
    ['control', createControlHandlers(controller), PORT_OFFSETS.control],
  ];
  const closeAll = async () => {
    closed = true;
    await socketWork;
    await Promise.all([...[...servers.values()].map((server) => server.close()), dnsServer?.close()]);
  };
  try {
    for (const [name, list, offset] of origins) {
      servers.set(name, await serveHandlers(list, { host, port: portOf(offset), tls: name === 'https' ? certificates.healthy : undefined }));
    }
    dnsServer = await startSimDns({ host, port: portOf(PORT_OFFSETS.dns), isChanged: () => active.has('dns-changed') });
  } catch (error) {
    await closeAll();
    throw error;
  }

  await settle();
  const ticker = setInterval(() => void settle(), options.tickMs ?? 1000);
  const urlOf = (name: OriginName | 'control') => servers.get(name)!.url;
  const urls: SimulatorUrls = {
    national: urlOf('national'),
    quantricong: urlOf('quantricong'),
    provincial: urlOf('provincial'),
    provincialSso: urlOf('provincialSso'),
    syncProvincial: urlOf('syncProvincial'),
    syncNational: urlOf('syncNational'),
    https: urlOf('https'),
    control: urlOf('control'),
  };
  log.info({ urls, dns: dnsServer.address, caFile: certificates.caFile, timeline: timeline?.timeline.name ?? null }, 'simulator started');

  let closing: Promise<void> | undefined;
  return {
    urls,
    dns: { address: dnsServer.address },
    caFile: certificates.caFile,
    setScenario(name, on) {
      if (!isScenarioName(name)) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
      void setScenario(name, on);
    },
    activeScenarios: () => FAULT_NAMES.filter((fault) => active.has(fault)),
    describe,
    settle,
    close() {
      closing ??= (async () => {
        clearInterval(ticker);
        await closeAll();
        log.info('simulator stopped');
      })();
      return closing;
    },
  };
}
