// `simulate`: runs the portal simulator in the foreground and prints where everything is, so the
// daemon (config/demo.yaml) or a person with curl can use it. The CLI closes it on SIGINT/SIGTERM.
import type { Logger } from 'pino';
import { CONTROL_USAGE } from '../sim/control.ts';
import { OIDC_DISCOVERY_PATH, PUBLIC_FORMALITY_PATH, SYNC_STATUS_PATH } from '../sim/handlers.ts';
import { SCENARIO_NAMES } from '../sim/scenarios.ts';
import { startChannelReceivers } from '../sim/channel-receivers.ts';
import { DEFAULT_BASE_PORT, PORT_OFFSETS, startSimulator } from '../sim/simulator.ts';
import { SMS_GATEWAY_PORT_OFFSET, startSmsGatewaySimulator } from '../sim/sms-gateway.ts';
import { CATALOGUE_PATHS, CATALOGUE_PORT_OFFSET, startCatalogueSim } from '../sim/catalogue-api.ts';

export interface SimulateOptions {
  readonly host?: string;
  /** First of nine consecutive ports; default 18080 (what config/demo.yaml expects). */
  readonly basePort?: number;
  readonly timeline?: string;
  /** Where the CA the demo config trusts is written; default data/sim. */
  readonly certDir?: string;
}

export async function simulateCommand(options: SimulateOptions, io: { stdout(line: string): void }, log: Logger): Promise<{ close(): Promise<void> }> {
  const simulator = await startSimulator({
    host: options.host,
    basePort: options.basePort,
    timeline: options.timeline,
    certDir: options.certDir,
    log,
  });
  const smsGateway = await startSmsGatewaySimulator({
    host: options.host,
    port: options.basePort === 0 ? 0 : (options.basePort ?? DEFAULT_BASE_PORT) + SMS_GATEWAY_PORT_OFFSET,
  }).catch(async (error: unknown) => {
    await simulator.close();
    throw error;
  });
  const { urls } = simulator;
  // The channel receivers take the port after the simulator's last one.
  const base = options.basePort ?? DEFAULT_BASE_PORT;
  const receivers = await startChannelReceivers({ host: options.host, port: base === 0 ? 0 : base + PORT_OFFSETS.control + 1 }).catch(
    async (error: unknown) => {
      await simulator.close();
      throw error;
    },
  );
  const catalogue = await startCatalogueSim({ host: options.host, port: base === 0 ? 0 : base + CATALOGUE_PORT_OFFSET, minIntervalMs: 100 }).catch(
    async (error: unknown) => {
      await Promise.all([simulator.close(), receivers.close(), smsGateway.close()]);
      throw error;
    },
  );
  const row = (label: string, text: string) => `  ${label.padEnd(24)}${text}`;
  const lines = [
    'Portal simulator running:',
    row('national portal', `${urls.national}/  (POST ${urls.national}${PUBLIC_FORMALITY_PATH})`),
    row('quantricong', `${urls.quantricong}/`),
    row('provincial back office', `${urls.provincial}/`),
    row('provincial login (OIDC)', `${urls.provincialSso}${OIDC_DISCOVERY_PATH}`),
    row('provincial sync API', `${urls.syncProvincial}${SYNC_STATUS_PATH}  (header Authorization: Bearer <any token>)`),
    row('national sync API', `${urls.syncNational}${SYNC_STATUS_PATH}`),
    row('HTTPS origin', `${urls.https}/  (CA: ${simulator.caFile})`),
    row('DNS (udp)', `${simulator.dns.address}  (dichvucong.sim A 127.0.0.1)`),
    row('control', `${urls.control}/`),
    row('webhook receiver', `${receivers.webhookUrl}  (what it received: ${receivers.url}/control/received)`),
    row('Zalo Bot API', `${receivers.zaloApiBase}  (apiBase; chat ids: GET ${receivers.zaloApiBase}/bot<token>/getUpdates)`),
    row('channel outage', `curl -X POST ${receivers.url}/control/fail -d '{"status":503}'  (or {"down":true}; /control/recover)`),
    row('SMS gateway', `${smsGateway.url}/send  (received: GET ${smsGateway.url}/_sim/messages; fail: PUT ${smsGateway.url}/_sim/fail?mode=503)`),
    row(
      'catalogue API',
      `POST ${catalogue.url}${CATALOGUE_PATHS.list}, ${catalogue.url}${CATALOGUE_PATHS.detail}  (300 procedures; refuses a client faster than 10 requests/s)`,
    ),
    row('provincial export', `${catalogue.url}${CATALOGUE_PATHS.export}`),
    row(
      'catalogue scenarios',
      `curl -X POST|DELETE ${catalogue.url}${CATALOGUE_PATHS.scenarios}fee-changed  (time-changed, form-changed, unpublished; ${CATALOGUE_PATHS.block})`,
    ),
    `Timeline: ${options.timeline ?? 'none (healthy until switched)'}`,
    `Scenarios: ${SCENARIO_NAMES.join(', ')}`,
    'Control endpoint:',
    ...CONTROL_USAGE.map((line) => `  ${line}`),
    `  e.g. curl -X POST ${urls.control}/scenarios/portal-down`,
  ];
  for (const line of lines) io.stdout(line);
  return { close: () => Promise.all([simulator.close(), receivers.close(), smsGateway.close(), catalogue.close()]).then(() => undefined) };
}
