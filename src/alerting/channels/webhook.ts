// The webhook channel: each delivery is one HTTP request (POST by default) to the configured URL,
// carrying the notifications of one batch. The body is the documented JSON document (README
// "### Webhook"), or the configured template filled per notification with the escaping its
// encoding needs: JSON-escaped inside a JSON template, URL-encoded inside a form. Header values may
// be secrets and are never logged; logs name the channel and the host only.
import type { WebhookChannelConfig } from '../../config/alerting-config.ts';
import { WEBHOOK_FIELDS, WEBHOOK_PLACEHOLDER } from '../../config/channel-schema.ts';
import type { Notification } from '../../state/notification.ts';
import { isFrozenContent, type DeliveryChannel, type FrozenContent } from '../channel.ts';
import { classifyHttpFailure, httpSend } from './http-send.ts';

const CONTENT_VERSION = 1;

interface WebhookContent extends FrozenContent {
  readonly contentType: string;
  readonly body: string;
}

export interface WebhookOptions {
  readonly config: WebhookChannelConfig;
  readonly links: { readonly statusPage?: string; readonly dashboard?: string };
}

/** What a template can name, and what the default document carries per notification. */
type Fields = Record<(typeof WEBHOOK_FIELDS)[number], string>;

function fieldsOf(notification: Notification, links: WebhookOptions['links']): Fields {
  const incident = notification.incident;
  return {
    type: notification.type,
    status: incident ? (incident.resolvedAt === undefined ? 'firing' : 'resolved') : notification.type,
    check: incident?.check ?? notification.backend?.check ?? '',
    system: incident?.system ?? notification.backend?.system ?? '',
    severity: incident?.severity ?? notification.notice?.severity ?? '',
    reason: incident?.lastReason ?? '',
    message: incident?.lastMessage ?? '',
    openedAt: incident?.openedAt.toISOString() ?? '',
    resolvedAt: incident?.resolvedAt?.toISOString() ?? '',
    at: notification.createdAt.toISOString(),
    incidentId: incident?.id ?? '',
    incidentLink: incident ? (links.statusPage ?? '') : '',
    window: notification.window ?? '',
    notice: notification.notice?.kind ?? '',
    escalationAfter: notification.escalation === undefined ? '' : String(notification.escalation.afterSeconds),
    flappingSince: notification.type === 'flapping' ? (incident?.flapping?.since.toISOString() ?? '') : '',
    flappingChanges: notification.type === 'flapping' && incident?.flapping !== undefined ? String(incident.flapping.changes) : '',
    deskAction: notification.desk?.kind ?? '',
    note: notification.desk?.text ?? '',
  };
}

/** Fills `{{name}}` placeholders; the config check refuses unknown names. */
function fill(template: string, fields: Fields, escape: (value: string) => string): string {
  return template.replace(WEBHOOK_PLACEHOLDER, (whole, name: string) =>
    (WEBHOOK_FIELDS as readonly string[]).includes(name) ? escape(fields[name as keyof Fields]) : whole,
  );
}

/** Inside a JSON string: the value's JSON form without its quotes (also escapes < > & as \u00XX). */
function jsonEscape(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The body of one delivery. Several notifications (a batch after groupWait or an outage): a JSON array of filled templates, or the forms joined with &. */
function renderBody(batch: readonly Notification[], options: WebhookOptions): { contentType: string; body: string } {
  const fields = batch.map((notification) => fieldsOf(notification, options.links));
  const body = options.config.body;
  if (body === undefined) {
    const document = { version: 1, source: 'dvc-sentinel', notifications: batch.map((notification, index) => defaultEntry(notification, fields[index]!)) };
    return { contentType: 'application/json', body: JSON.stringify(document) };
  }
  if (body.encoding === 'form') {
    return { contentType: 'application/x-www-form-urlencoded', body: fields.map((each) => fill(body.template, each, encodeURIComponent)).join('&') };
  }
  const documents = fields.map((each) => fill(body.template, each, jsonEscape));
  return { contentType: 'application/json', body: documents.length === 1 ? documents[0]! : `[${documents.join(',')}]` };
}

/**
 * Empty fields are left out of the default document. An escalation (a reminder a step sent) says
 * which step; a flapping notice carries its episode; what the desk did carries its action and text
 * (acknowledged, a note with cause, plan and expected fix), so a ticketing system can follow it.
 */
function defaultEntry(notification: Notification, fields: Fields): Record<string, unknown> {
  const { escalationAfter: _after, flappingSince: _since, flappingChanges: _changes, deskAction: _action, note: _note, ...flat } = fields;
  const entry: Record<string, unknown> = Object.fromEntries(Object.entries(flat).filter(([, value]) => value !== ''));
  if (notification.escalation !== undefined) entry.escalation = { afterSeconds: notification.escalation.afterSeconds };
  const episode = notification.incident?.flapping;
  if (notification.type === 'flapping' && episode !== undefined) {
    entry.flapping = { since: episode.since.toISOString(), changes: episode.changes, windowSeconds: episode.windowSeconds };
  }
  if (notification.desk !== undefined) entry.desk = { action: notification.desk.kind, text: notification.desk.text };
  if (notification.backend !== undefined) entry.backend = { from: notification.backend.from, to: notification.backend.to };
  return entry;
}

export function createWebhookChannel(options: WebhookOptions): DeliveryChannel<WebhookContent> {
  const { config } = options;
  const host = new URL(config.url).host;
  return {
    name: config.name,
    noun: 'webhook request',
    target: `webhook ${host}`,
    render(batch, context) {
      const { contentType, body } = renderBody(batch, options);
      return {
        id: `webhook-${context.seed}-${context.now.getTime()}`,
        content: { version: CONTENT_VERSION, types: batch.map((notification) => notification.type), contentType, body },
      };
    },
    read(content) {
      if (!isFrozenContent(content) || content.version !== CONTENT_VERSION) return undefined;
      const webhook = content as Partial<WebhookContent>;
      if (typeof webhook.body !== 'string' || typeof webhook.contentType !== 'string') return undefined;
      return { version: CONTENT_VERSION, types: content.types, contentType: webhook.contentType, body: webhook.body };
    },
    async send(delivery) {
      const { status } = await httpSend({
        url: config.url,
        method: config.method,
        // The delivery id lets a receiver drop the one repeat a crash can cause.
        headers: { ...config.headers, 'content-type': delivery.content.contentType, 'x-dvc-delivery-id': delivery.id },
        body: delivery.content.body,
        timeoutSeconds: config.timeoutSeconds,
        verifyTls: config.tls.verify,
      });
      return { status };
    },
    classify: classifyHttpFailure,
    describe: (content) => ({ channel: config.name, host, notifications: content.types.length }),
    describeFailure: (error) => ({ channel: config.name, host, error: error instanceof Error ? error.message : String(error) }),
    close() {},
  };
}
