// The Zalo channel, through the Zalo Bot Platform's HTTP API (Telegram-style): each delivery is one
// short Vietnamese text sent with `POST {apiBase}/bot{token}/sendMessage` and `{ chat_id, text }`
// to the one chat of its outbox route (routing queues a row per chat). The text carries severity,
// system, check, since when and the status-page link: no personal data, no internal addresses.
// The token is in every request's URL: logs name the channel and chat only, never the URL.
import type { Locale, ZaloChannelConfig } from '../../config/alerting-config.ts';
import type { Notification } from '../../state/notification.ts';
import { displaySystemName } from '../../text/display-system-name.ts';
import { formatDuration } from '../../text/format-duration.ts';
import { formatNumber } from '../../text/format-number.ts';
import { formatDateTime } from '../../text/format-time.ts';
import { wordsFor } from '../../text/locale.ts';
import { describeServer } from '../messages/describe-notice.ts';
import { isFrozenContent, type DeliveryChannel, type FrozenContent } from '../channel.ts';
import { classifyHttpFailure, httpSend, HttpSendError } from './http-send.ts';

const CONTENT_VERSION = 1;
/** Lines of a batch shown before "… and N more": a chat text stays short. */
const MAX_LINES = 5;

interface ZaloContent extends FrozenContent {
  readonly chatId: string;
  readonly text: string;
}

export interface ZaloOptions {
  readonly config: ZaloChannelConfig;
  readonly locale: Locale;
  readonly links: { readonly statusPage?: string };
  readonly systemNames?: Readonly<Record<string, string>>;
}

function line(notification: Notification, options: ZaloOptions): string {
  const words = wordsFor(options.locale);
  const text = words.channels;
  const incident = notification.incident;
  const system = (name: string) => displaySystemName(name, options.locale, options.systemNames);
  switch (notification.type) {
    case 'firing':
    case 'reminder': {
      if (!incident) break;
      const since = formatDateTime(incident.openedAt, options.locale);
      const severity = words.severity[incident.severity].toLocaleLowerCase(options.locale);
      // An escalation is a reminder a step sent: it says why it came, not merely "still failing".
      if (notification.escalation !== undefined) {
        const after = formatDuration(notification.escalation.afterSeconds, options.locale);
        return text.escalation(after, severity, system(incident.system), incident.check, since);
      }
      return (notification.type === 'firing' ? text.firing : text.reminder)(severity, system(incident.system), incident.check, since);
    }
    case 'resolved':
      if (!incident) break;
      return text.resolved(
        system(incident.system),
        incident.check,
        formatDuration(((incident.resolvedAt ?? notification.createdAt).getTime() - incident.openedAt.getTime()) / 1000, options.locale),
      );
    case 'flapping': {
      const episode = incident?.flapping;
      if (!incident || !episode) break;
      const headline = words.flapping.headline(formatNumber(episode.changes, options.locale), formatDuration(episode.windowSeconds, options.locale));
      return text.flapping(system(incident.system), incident.check, headline);
    }
    case 'backend_changed': {
      const moved = notification.backend;
      if (!moved) break;
      return words.backend.chat(system(moved.system), moved.check, describeServer(moved.from, options.locale), describeServer(moved.to, options.locale));
    }
    case 'vantage_down':
      return text.vantageDown;
    case 'vantage_up':
      return text.vantageUp;
    case 'maintenance_end':
      return text.maintenanceEnd(notification.window ?? '');
    case 'test':
      return text.test(options.config.name);
    case 'notice':
      if (notification.notice) {
        const params = notification.notice.params;
        return text.notice(words.notices[notification.notice.kind].title((name) => String(params[name] ?? '')));
      }
      break;
    default:
      break;
  }
  return text.notice(notification.type);
}

/** The text of one delivery: a line per notification (at most MAX_LINES), then the status page. */
function zaloText(batch: readonly Notification[], options: ZaloOptions): string {
  const text = wordsFor(options.locale).channels;
  const lines = batch.slice(0, MAX_LINES).map((notification) => line(notification, options));
  if (batch.length > MAX_LINES) lines.push(text.more(batch.length - MAX_LINES));
  if (options.links.statusPage) lines.push(text.statusPage(options.links.statusPage));
  return lines.join('\n');
}

/** Sends one text to one chat; rejects with an HttpSendError (the platform also answers 200 with ok: false). */
async function sendZaloText(config: ZaloChannelConfig, chatId: string, text: string): Promise<{ readonly status: number }> {
  const { status, answer } = await httpSend({
    url: `${config.apiBase}/bot${config.token}/sendMessage`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ chat_id: chatId, text }),
    timeoutSeconds: config.timeoutSeconds,
  });
  let parsed: { ok?: unknown; error_code?: unknown; description?: unknown } | undefined;
  try {
    parsed = JSON.parse(answer) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if (parsed?.ok === false) {
    const code = typeof parsed.error_code === 'number' ? parsed.error_code : 400;
    throw new HttpSendError(`Zalo error ${code}: ${typeof parsed.description === 'string' ? parsed.description : ''}`, code);
  }
  return { status };
}

export function createZaloChannel(options: ZaloOptions): DeliveryChannel<ZaloContent> {
  const { config } = options;
  return {
    name: config.name,
    noun: 'zalo message',
    target: `zalo ${new URL(config.apiBase).host}`,
    render(batch, context) {
      const chatId = batch[0]?.to[0];
      if (chatId === undefined) throw new Error('a zalo batch without a chat id');
      return {
        id: `zalo-${context.seed}-${context.now.getTime()}`,
        content: { version: CONTENT_VERSION, types: batch.map((notification) => notification.type), chatId, text: zaloText(batch, options) },
      };
    },
    read(content) {
      if (!isFrozenContent(content) || content.version !== CONTENT_VERSION) return undefined;
      const zalo = content as Partial<ZaloContent>;
      if (typeof zalo.chatId !== 'string' || typeof zalo.text !== 'string') return undefined;
      return { version: CONTENT_VERSION, types: content.types, chatId: zalo.chatId, text: zalo.text };
    },
    send: (delivery) => sendZaloText(config, delivery.content.chatId, delivery.content.text),
    classify: classifyHttpFailure,
    describe: (content) => ({ channel: config.name, chatId: content.chatId, notifications: content.types.length }),
    describeFailure: (error) => ({ channel: config.name, error: redact(error instanceof Error ? error.message : String(error), config.token) }),
    close() {},
  };
}

/** The token must never reach a log, even inside a message that quotes a URL. */
function redact(text: string, token: string): string {
  return token === '' ? text : text.split(token).join('***');
}
