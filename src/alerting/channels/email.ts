// The email channel. createEmailChannel is the outbox's door (channel.ts): it renders a batch into
// one mail (messages/: render-email.ts for incidents, notice-mail.ts for notices), freezes it with its Message-ID,
// Date and MIME boundary, and sends the frozen mail. createMailSender turns one frozen mail into
// MIME bytes and hands them to the SMTP server, or, without `smtp`, writes them as an .eml file
// under outboxDir. Knows nothing of grouping or retries (the outbox owns those); a failed send
// rejects with nodemailer's error (code, response…).
//
// SMTP semantics, per recipient: the server answers each RCPT TO; 2xx recipients got the mail,
// 4xx ones ("try later", 451/452) are deferred and sent again alone (the same bytes, envelope
// narrowed to them), 5xx ones are refused for good. A whole-mail failure is temporary (retried)
// unless the server said 5xx: a refused password (535) or missing authentication (530) is `auth`,
// opened again when a reload changes the SMTP settings; any other 5xx gives up. Network trouble
// and 4xx are retried forever, shown by dvc_notifications_queued.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile, access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { AlertingConfig, SmtpConfig } from '../../config/alerting-config.ts';
import type { Logger } from '../../log.ts';
import type { Notification, NotificationType } from '../../state/notification.ts';
import { normalizeAddress } from '../../state/recipients.ts';
import { smtpErrorFields } from '../explain-smtp-error.ts';
import { renderEmail } from '../messages/render-email.ts';
import { createMessageId, mailDomainOf, noticeAnchorId, noticeMessageId, reportMessageId, threadHeadersOf } from '../message-id.ts';
import { renderNoticeMail } from '../messages/notice-mail.ts';
import { isFrozenContent, type DeliveryChannel, type FailureVerdict, type RecipientAnswers, type Rendered } from '../channel.ts';

/** Everything that makes a mail. Stored frozen in the delivery, so a re-send is byte-for-byte the same mail. */
export interface OutgoingMail {
  /** Names the .eml file (the delivery id). */
  readonly id: number | string;
  readonly messageId: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The Date header. */
  readonly date: Date;
  /** The shared part of the MIME boundaries (otherwise random on every build). */
  readonly boundary: string;
  readonly references?: readonly string[];
  readonly inReplyTo?: string;
  /** Copy recipients (report mails); they are in the envelope too. */
  readonly cc?: readonly string[];
  readonly attachments?: readonly MailAttachment[];
}

/** A file attached to a mail; base64 so the frozen mail (JSON) carries it unchanged. */
export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly contentBase64: string;
}

export interface SendReceipt {
  /** The SMTP server's answer to the message, e.g. "250 2.0.0 OK: queued as 4Xk". */
  readonly response?: string;
  /** The .eml file written instead of sending. */
  readonly file?: string;
  /** Recipients the server refused while accepting others. */
  readonly rejected?: readonly string[];
  /** What each envelope recipient answered (SMTP only). */
  readonly recipients?: RecipientAnswers;
}

export interface MailSender {
  /** "smtp mail.example:587" or "files in /var/lib/…/outbox-mail": for logs and messages. */
  readonly target: string;
  /** `envelopeTo` narrows who gets it (the deferred recipients of an earlier attempt); default every To and Cc. */
  send(mail: OutgoingMail, envelopeTo?: readonly string[]): Promise<SendReceipt>;
  /** Connects and greets (SMTP) or checks the directory is writable (files); rejects with the reason. */
  verify(): Promise<void>;
  close(): void;
}

export interface MailSenderOptions {
  readonly smtp?: SmtpConfig;
  /** "Name <address>" or a bare address. */
  readonly from: string;
  readonly outboxDir: string;
  readonly log: Logger;
  /** Replaces the SMTP transport built from `smtp` (a seam for tests). */
  readonly transport?: Transporter;
}

/** Headers every alert mail carries, so autoresponders and "out of office" stay quiet. */
const AUTOMATED_HEADERS = { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } as const;

export function createMailSender(options: MailSenderOptions): MailSender {
  const envelopeFrom = addressOf(options.from);
  if (options.smtp === undefined && options.transport === undefined) return createFileChannel(options);
  const smtp = options.smtp;
  const transport = options.transport ?? nodemailer.createTransport(smtpTransportOptions(smtp!));
  return {
    target: smtp ? `smtp ${smtp.host}:${smtp.port}` : 'smtp (injected transport)',
    async send(mail, envelopeTo) {
      const raw = await composeMail(mail, options.from);
      const to = envelopeTo ?? [...mail.to, ...(mail.cc ?? [])];
      let info: SMTPTransport.SentMessageInfo;
      try {
        info = (await transport.sendMail({ envelope: { from: envelopeFrom, to: [...to] }, raw })) as SMTPTransport.SentMessageInfo;
      } catch (error) {
        // Every recipient refused or deferred: not a failure of the mail but answers per recipient.
        const everyone = refusalsOf(error);
        if (everyone === undefined) throw error;
        const answers = splitAnswers([], everyone);
        return { response: (error as { response?: string }).response, rejected: everyone.map(({ address }) => address), recipients: answers };
      }
      const rejected = (info.rejected ?? []).map((entry: unknown) => (typeof entry === 'string' ? entry : String((entry as { address?: string }).address)));
      const accepted = (info.accepted ?? []).map((entry: unknown) => (typeof entry === 'string' ? entry : String((entry as { address?: string }).address)));
      const answers = splitAnswers(accepted, refusalsOf(info) ?? rejected.map((address) => ({ address, response: '', code: 550 })));
      return rejected.length > 0 ? { response: info.response, rejected, recipients: answers } : { response: info.response, recipients: answers };
    },
    async verify() {
      await transport.verify();
    },
    close() {
      transport.close();
    },
  };
}

interface RecipientError {
  readonly address: string;
  readonly response: string;
  readonly code: number;
}

/** nodemailer's per-recipient errors (rejectedErrors on the info, or on the error when every recipient was refused). */
function refusalsOf(value: unknown): RecipientError[] | undefined {
  const errors = (value as { rejectedErrors?: unknown } | null)?.rejectedErrors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors.map((entry: { recipient?: unknown; response?: unknown; responseCode?: unknown }) => ({
    address: String(entry.recipient),
    response: typeof entry.response === 'string' ? entry.response : '',
    code: typeof entry.responseCode === 'number' ? entry.responseCode : 550,
  }));
}

/** 4xx = try later (deferred), anything else refused for good. */
function splitAnswers(accepted: readonly string[], errors: readonly RecipientError[]): RecipientAnswers {
  const answer = ({ address, response }: RecipientError) => ({ address, response });
  return {
    accepted: [...accepted],
    deferred: errors.filter(({ code }) => code >= 400 && code < 500).map(answer),
    refused: errors.filter(({ code }) => code < 400 || code >= 500).map(answer),
  };
}

/**
 * Whole-mail failures: 5xx for the credentials (535 refused, 530 required) is `auth`; another 5xx
 * (sender or message refused) gives up; everything else (4xx, network, timeouts) is retried.
 */
function classifySmtpError(error: unknown): FailureVerdict {
  const { code, responseCode, command } = (error ?? {}) as { code?: string; responseCode?: number; command?: string };
  const permanent = typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
  if (code === 'EAUTH' && (permanent || responseCode === undefined)) return 'auth';
  if (permanent && command === 'MAIL FROM' && responseCode === 530) return 'auth';
  return permanent ? 'give_up' : 'retry';
}

function createFileChannel(options: MailSenderOptions): MailSender {
  const directory = options.outboxDir;
  return {
    target: `files in ${directory}`,
    async send(mail) {
      const raw = await composeMail(mail, options.from);
      await mkdir(directory, { recursive: true });
      const file = join(directory, emlFileName(mail.date, mail.id));
      // Written whole or not at all: a reader (or a crash) never sees half a mail. A re-send after a
      // crash has the same date and id, so it replaces the file with the very same bytes.
      const partial = `${file}.partial`;
      try {
        await writeFile(partial, raw);
        await rename(partial, file);
      } catch (error) {
        await rm(partial, { force: true });
        throw new Error(`could not write mail ${mail.messageId} to ${file}: ${(error as Error).message}`, { cause: error });
      }
      options.log.info({ file, messageId: mail.messageId, to: mail.to, subject: mail.subject }, 'mail written as .eml file (no smtp configured)');
      return { file };
    },
    async verify() {
      await mkdir(directory, { recursive: true });
      await access(directory, constants.W_OK);
    },
    close() {},
  };
}

/**
 * The mail as RFC 5322 bytes (CRLF): multipart/alternative, text then HTML, UTF-8, inside
 * multipart/mixed with the attachments when there are any. Same input → same bytes.
 */
export async function composeMail(mail: OutgoingMail, from: string): Promise<Buffer> {
  const message: Mail.Options & { baseBoundary: string } = {
    from,
    to: [...mail.to],
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    date: mail.date,
    baseBoundary: mail.boundary,
    headers: { ...AUTOMATED_HEADERS },
    ...(mail.references && mail.references.length > 0 ? { references: [...mail.references] } : {}),
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.cc && mail.cc.length > 0 ? { cc: [...mail.cc] } : {}),
    ...(mail.attachments && mail.attachments.length > 0
      ? {
          attachments: mail.attachments.map((file) => ({
            filename: file.filename,
            contentType: file.contentType,
            content: file.contentBase64,
            encoding: 'base64',
          })),
        }
      : {}),
    newline: '\r\n',
    // The mail text holds what probed endpoints said; nothing in it may make nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  return new MailComposer(message).compile().build();
}

/** nodemailer SMTP options from the config, with timeouts far below nodemailer's minutes-long defaults. */
export function smtpTransportOptions(smtp: SmtpConfig): SMTPTransport.Options {
  const timeoutMs = smtp.timeoutSeconds * 1000;
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.pass } } : {}),
    tls: {
      rejectUnauthorized: smtp.tls.verify,
      ...(smtp.tls.ca === undefined ? {} : { ca: smtp.tls.ca }),
      ...(smtp.tls.serverName === undefined ? {} : { servername: smtp.tls.serverName }),
    },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    // Longer than the setup timeouts, which otherwise race it and lose the phase (no greeting, TLS) that failed.
    socketTimeout: 2 * timeoutMs,
    dnsTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** `{yyyyMMdd-HHmmss}-{id}.eml`, the time in UTC so the name does not depend on the machine's zone. */
export function emlFileName(date: Date, id: number | string): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${String(id).replace(/[^A-Za-z0-9_-]/g, '_')}.eml`;
}

/** The bare address of "Name <user@domain>". */
export function addressOf(mailbox: string): string {
  const [first] = addressparser(mailbox, { flatten: true });
  const address = first?.address;
  if (!address) throw new Error(`not a mail address: "${mailbox}"`);
  return address;
}

const FROZEN_MAIL_VERSION = 1;

/** What an email delivery's `content` holds: the mail exactly as it goes out, and what it carries. */
export interface FrozenMail {
  readonly version: number;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** ISO-8601; JSON has no dates. */
  readonly date: string;
  readonly boundary: string;
  readonly references: readonly string[];
  readonly inReplyTo?: string;
  readonly types: readonly NotificationType[];
  /** Report mails only. */
  readonly cc?: readonly string[];
  readonly attachments?: readonly MailAttachment[];
}

export interface EmailChannelOptions {
  readonly sender: MailSender;
  readonly alerting: Pick<AlertingConfig, 'locale' | 'links' | 'roster'> & { readonly email: Pick<AlertingConfig['email'], 'from' | 'routes'> };
  /** The prober's location label, shown in mail footers. */
  readonly location?: string;
  readonly systemNames?: Readonly<Record<string, string>>;
  readonly log: Logger;
}

export function createEmailChannel(options: EmailChannelOptions): DeliveryChannel<FrozenMail> {
  const { sender, alerting, log } = options;
  const domain = mailDomainOf(alerting.email.from);
  const context = (now: Date) => ({
    locale: alerting.locale,
    location: options.location,
    links: alerting.links,
    now,
    systemNames: options.systemNames,
    roster: alerting.roster,
    routes: alerting.email.routes,
  });
  return {
    name: 'email',
    noun: 'mail',
    target: sender.target,
    render(batch, { now, seed }) {
      if (batch.some((notification) => notification.type === 'report')) return renderReport(batch, now, domain);
      if (batch.some((notification) => notification.type === 'desk')) return renderDesk(batch, now, domain, seed);
      const notices = batch.filter((notification) => notification.type === 'notice');
      // Notices have routes of their own (alerting/notices.ts), so a batch is all one or all the other.
      if (notices.length > 0 && notices.length < batch.length) throw new Error('a mail cannot mix notices with incident notifications');
      const rendered = notices.length > 0 ? renderNoticeMail(batch, context(now)) : renderEmail(batch, context(now));
      const thread =
        notices.length > 0
          ? { references: [...new Set(notices.flatMap(({ notice }) => (notice ? [noticeAnchorId(notice.kind, notice.key, domain)] : [])))] }
          : threadHeadersOf(batch, domain);
      const content: FrozenMail = {
        version: FROZEN_MAIL_VERSION,
        to: recipientsOf(batch),
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        date: now.toISOString(),
        boundary: randomBytes(12).toString('hex'),
        references: thread.references,
        ...('inReplyTo' in thread && thread.inReplyTo ? { inReplyTo: thread.inReplyTo } : {}),
        types: batch.map((notification) => notification.type),
      };
      const first = notices[0]?.notice;
      return { id: first ? noticeMessageId(first.kind, seed, domain) : createMessageId(seed, domain), content };
    },
    read: readFrozenMail,
    async send({ deliveryId, id, content, pending }) {
      const receipt = await sender.send(
        {
          id: deliveryId,
          messageId: id,
          to: content.to,
          subject: content.subject,
          text: content.text,
          html: content.html,
          date: new Date(content.date),
          boundary: content.boundary,
          references: content.references,
          ...(content.inReplyTo ? { inReplyTo: content.inReplyTo } : {}),
          ...(content.cc ? { cc: content.cc } : {}),
          ...(content.attachments ? { attachments: content.attachments } : {}),
        },
        pending,
      );
      if (receipt.rejected && receipt.rejected.length > 0) {
        // The outbox retries the deferred ones alone and reports the refused ones.
        log.warn({ deliveryId, messageId: id, rejected: receipt.rejected }, 'mail server refused some recipients');
      }
      return { ...receipt };
    },
    classify: classifySmtpError,
    describe: (content) => ({ to: content.to, subject: content.subject }),
    describeFailure: smtpErrorFields,
    close: () => sender.close(),
  };
}

/**
 * A report mail is rendered when queued (state/notification.ts ReportMail); here it is only copied
 * into the frozen mail, attachments and all. Each report has a route of its own, so it is alone.
 */
function renderReport(batch: readonly Notification[], now: Date, domain: string): Rendered<FrozenMail> {
  const report = batch[0]?.report;
  if (batch.length !== 1 || report === undefined) throw new Error('a report mail carries exactly one report');
  const content: FrozenMail = {
    version: FROZEN_MAIL_VERSION,
    to: recipientsOf(batch),
    cc: [...report.cc],
    subject: report.subject,
    text: report.text,
    html: report.html,
    date: now.toISOString(),
    boundary: randomBytes(12).toString('hex'),
    references: [],
    types: ['report'],
    attachments: report.attachments.map((file) => ({ ...file })),
  };
  return { id: reportMessageId(report.name, report.scheduledFor, domain), content };
}

/**
 * A desk mail is rendered when queued (state/notification.ts DeskMail) and goes alone on a route
 * of its own; here it is copied into the frozen mail with its incident's thread headers.
 */
function renderDesk(batch: readonly Notification[], now: Date, domain: string, seed: number | string): Rendered<FrozenMail> {
  const desk = batch[0]?.desk;
  if (batch.length !== 1 || desk === undefined) throw new Error('a desk mail carries exactly one desk notification');
  const thread = threadHeadersOf(batch, domain);
  const content: FrozenMail = {
    version: FROZEN_MAIL_VERSION,
    to: recipientsOf(batch),
    subject: desk.subject,
    text: desk.text,
    html: desk.html,
    date: now.toISOString(),
    boundary: randomBytes(12).toString('hex'),
    references: thread.references,
    ...(thread.inReplyTo ? { inReplyTo: thread.inReplyTo } : {}),
    types: ['desk'],
  };
  return { id: createMessageId(seed, domain), content };
}

/** The route's addresses, de-duplicated the way routes compare them, first spelling kept. */
function recipientsOf(batch: readonly Notification[]): string[] {
  const byKey = new Map<string, string>();
  for (const address of batch.flatMap((notification) => notification.to)) {
    const key = normalizeAddress(address);
    if (key !== '' && !byKey.has(key)) byKey.set(key, address.trim());
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, address]) => address);
}

function readFrozenMail(content: unknown): FrozenMail | undefined {
  const value = typeof content === 'string' ? safeParse(content) : content;
  if (!isFrozenContent(value) || value.version !== FROZEN_MAIL_VERSION) return undefined;
  const mail = value as Partial<FrozenMail>;
  const fields = [mail.subject, mail.text, mail.html, mail.date, mail.boundary];
  if (fields.some((field) => typeof field !== 'string') || !Array.isArray(mail.to)) return undefined;
  return { references: [], ...mail } as FrozenMail;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
