// The SMS channel (alerting.sms): each notification of a batch becomes the channel's template filled
// in, ASCII-folded when asked, cut to maxSegments, and goes to every recipient, through a carrier's
// HTTP gateway (one request per phone) or into a gammu-smsd outbox (one file per phone and part, which
// a GSM modem sends even when the internet is down). What is sent is frozen at render: the texts,
// their parts, and for gammu the file names' time and serial, so a resend after a crash rewrites the
// same files instead of adding messages. Within one process a retried delivery skips the phones the
// gateway already accepted.
import type { Locale, SmsChannelConfig } from '../../config/alerting-config.ts';
import type { Notification } from '../../state/notification.ts';
import { wordsFor } from '../../text/locale.ts';
import { isFrozenContent, type DeliveryChannel, type FrozenContent } from '../channel.ts';
import { writeSpoolMessage } from '../sms/gammu-spool.ts';
import { gatewayName, postSms, SmsGatewayError } from '../sms/sms-gateway.ts';
import { fillSmsTemplate } from '../sms/sms-template.ts';
import { foldToAscii, segment, type SmsEncoding } from '../sms/sms-text.ts';

const FROZEN_SMS_VERSION = 1;
/** Messages of one delivery get serials base*100 + index in a gammu file name. */
const MESSAGES_PER_DELIVERY = 100;

interface FrozenSmsMessage {
  readonly to: string;
  readonly encoding: SmsEncoding;
  /** One segment each; an HTTP gateway gets them joined (it concatenates), gammu one file each. */
  readonly parts: readonly string[];
  readonly serial: number;
}

/** What an SMS delivery's `content` holds. */
export interface FrozenSms extends FrozenContent {
  /** When it was rendered: the time in gammu file names. */
  readonly stamp: string;
  readonly messages: readonly FrozenSmsMessage[];
}

/** Notifications that are mail only: a report, an operator's note. */
const MAIL_ONLY = new Set(['report', 'desk']);

export interface SmsChannelOptions {
  readonly config: SmsChannelConfig;
  readonly locale: Locale;
  readonly statusPage?: string;
  /** The phones of a batch (a route's own numbers); default the channel's `to`. */
  readonly recipients?: (batch: readonly Notification[]) => readonly string[];
}

/** The text one notification reads as on this channel, ready to segment. */
function textOf(notification: Notification, options: SmsChannelOptions): string {
  const { config, locale } = options;
  const text =
    notification.type === 'test'
      ? wordsFor(locale).sms.test(config.name)
      : fillSmsTemplate(config.template, notification, { locale, statusPage: options.statusPage });
  return config.ascii ? foldToAscii(text) : text;
}

export function createSmsChannel(options: SmsChannelOptions): DeliveryChannel<FrozenSms> {
  const { config } = options;
  const via = config.via;
  /** Delivery id → messages the gateway took already (this process only). */
  const accepted = new Map<number, number>();
  return {
    name: config.name,
    noun: 'sms',
    target: via.kind === 'http' ? `sms gateway ${gatewayName(via.url)}` : `gammu outbox ${via.outbox}`,
    render(batch, { now, seed }) {
      const phones = options.recipients?.(batch) ?? config.to;
      const texts = batch.filter((notification) => !MAIL_ONLY.has(notification.type)).map((notification) => textOf(notification, options));
      const messages = texts.flatMap((text, index) => {
        const { encoding, parts } = segment(text, config.maxSegments);
        const serial = (seed % 10_000) * MESSAGES_PER_DELIVERY + (index % MESSAGES_PER_DELIVERY);
        return phones.map((to) => ({ to, encoding, parts, serial }));
      });
      const content: FrozenSms = { version: FROZEN_SMS_VERSION, types: batch.map((notification) => notification.type), stamp: now.toISOString(), messages };
      return { id: `sms.${config.name}.${seed}`, content };
    },
    read(content) {
      if (!isFrozenContent(content) || content.version !== FROZEN_SMS_VERSION) return undefined;
      const candidate = content as Partial<FrozenSms>;
      return Array.isArray(candidate.messages) && typeof candidate.stamp === 'string' ? (content as FrozenSms) : undefined;
    },
    async send({ deliveryId, content }) {
      if (via.kind === 'gammu') {
        const stamp = new Date(content.stamp);
        let files = 0;
        for (const message of content.messages)
          files += (await writeSpoolMessage(via.outbox, { phone: message.to, parts: message.parts }, stamp, message.serial)).length;
        return { messages: content.messages.length, files };
      }
      // In order, one at a time: a later message never overtakes an earlier one at the gateway.
      for (let index = accepted.get(deliveryId) ?? 0; index < content.messages.length; index += 1) {
        const message = content.messages[index]!;
        try {
          await postSms(via, message.to, message.parts.join(''));
        } catch (error) {
          if (error instanceof SmsGatewayError && error.final) accepted.delete(deliveryId); // the outbox closes it
          throw error;
        }
        accepted.set(deliveryId, index + 1);
      }
      accepted.delete(deliveryId);
      return { messages: content.messages.length };
    },
    classify: (error) => (error instanceof SmsGatewayError && error.final ? 'give_up' : 'retry'),
    describe: (content) => ({
      messages: content.messages.length,
      recipients: new Set(content.messages.map((message) => message.to)).size,
      segments: content.messages.reduce((sum, message) => sum + message.parts.length, 0),
    }),
    describeFailure: (error) => ({
      error: (error as Error).message ?? String(error),
      ...(error instanceof SmsGatewayError && error.status !== undefined ? { status: error.status } : {}),
    }),
    close() {
      accepted.clear();
    },
  };
}
