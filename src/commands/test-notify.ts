// `dvc-sentinel test-notify --config FILE --channel NAME`: sends one test message through a named
// channel (webhook, Zalo, SMS) at once, with the daemon's own settings (no outbox, no grouping), to each
// of its targets, and says in the configured language what went wrong: the connection, the
// token or header, the address, or the content. Never prints a secret (a token, a header value).
import { createNamedChannel } from '../alerting/channels/registry.ts';
import { HttpSendError } from '../alerting/channels/http-send.ts';
import { SmsGatewayError } from '../alerting/sms/sms-gateway.ts';
import { ConfigError, countProblems, formatConfigIssue } from '../config/config-error.ts';
import { namedChannels, type NamedChannelConfig } from '../config/alerting-config.ts';
import type { Config } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { defaultTargets } from '../state/channel-routes.ts';
import type { Notification } from '../state/notification.ts';
import { wordsFor } from '../text/locale.ts';

const EXIT_SENT = 0;
const EXIT_NOT_SENT = 1;
const EXIT_INVALID = 2;

export interface TestNotifyIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

export async function testNotifyCommand(
  options: { config: string; channel?: string },
  io: TestNotifyIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let config: Config;
  let secrets: readonly string[];
  try {
    ({ config, secrets } = loadConfig(options.config, env));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) io.stderr(formatConfigIssue(issue));
    io.stderr(`${countProblems(error.issues.length)} in ${options.config}`);
    return EXIT_INVALID;
  }
  const alerting = config.alerting;
  const words = wordsFor(alerting.locale).channels;
  const channels = namedChannels(alerting);
  const named = channels.find((channel) => channel.name === options.channel);
  if (named === undefined) {
    io.stderr(words.unknownChannel(options.channel ?? '', channels.map((channel) => channel.name).join(', ') || '—'));
    return EXIT_INVALID;
  }
  const channel = createNamedChannel(named, { alerting, location: config.location });
  // A webhook has one target, its URL; a Zalo or SMS channel is tested on each of its own chats or phones.
  const targets = named.kind === 'webhook' ? [[]] : defaultTargets(named).map((target) => [target]);
  let failed = false;
  for (const [index, to] of targets.entries()) {
    const now = new Date();
    const notification: Notification = { type: 'test', riders: [], to, createdAt: now };
    const label = to.length > 0 ? `${named.name} → ${to[0]}` : named.name;
    try {
      const rendered = channel.render([notification], { now, seed: index + 1 });
      await channel.send({ deliveryId: 0, id: rendered.id, content: rendered.content });
      io.stdout(words.testSent(label));
    } catch (error) {
      failed = true;
      const status = error instanceof HttpSendError || error instanceof SmsGatewayError ? error.status : undefined;
      const said = scrub(error instanceof Error ? error.message : String(error), [...secrets, ...ownSecrets(named)]);
      const explained = named.kind === 'sms' && named.via.kind === 'gammu' ? words.spoolFailed : words.explainStatus(status);
      io.stderr(words.testFailed(label, `${explained} (${said})`));
    }
  }
  channel.close();
  return failed ? EXIT_NOT_SENT : EXIT_SENT;
}

/** What a channel's settings hold that is secret even when written in the config itself. */
function ownSecrets(named: NamedChannelConfig): readonly string[] {
  if (named.kind === 'zalo') return [named.token];
  if (named.kind === 'webhook') return Object.values(named.headers);
  const auth = named.via.kind === 'http' ? named.via.auth : undefined;
  return auth === undefined ? [] : auth.kind === 'header' ? [auth.value] : [auth.pass];
}

/** A message from the receiver may quote what it was sent: no secret of the config is printed. */
function scrub(text: string, secrets: readonly string[]): string {
  return secrets.filter((secret) => secret !== '').reduce((result, secret) => result.split(secret).join('***'), text);
}
