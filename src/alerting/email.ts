// The email channel: turns one frozen mail into MIME bytes and hands them to the SMTP server, or,
// without `smtp`, writes them as an .eml file under outboxDir. Knows nothing of grouping or retries
// (the outbox owns those); a failed send rejects with nodemailer's error (code, response…).
import { mkdir, rename, rm, writeFile, access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { SmtpConfig } from '../config/alerting-config.ts';
import type { Logger } from '../log.ts';

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
}

export interface SendReceipt {
  /** The SMTP server's answer to the message, e.g. "250 2.0.0 OK: queued as 4Xk". */
  readonly response?: string;
  /** The .eml file written instead of sending. */
  readonly file?: string;
  /** Recipients the server refused while accepting others. */
  readonly rejected?: readonly string[];
}

export interface EmailChannel {
  /** "smtp mail.example:587" or "files in /var/lib/…/outbox-mail": for logs and messages. */
  readonly target: string;
  send(mail: OutgoingMail): Promise<SendReceipt>;
  /** Connects and greets (SMTP) or checks the directory is writable (files); rejects with the reason. */
  verify(): Promise<void>;
  close(): void;
}

export interface EmailChannelOptions {
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

export function createEmailChannel(options: EmailChannelOptions): EmailChannel {
  const envelopeFrom = addressOf(options.from);
  if (options.smtp === undefined && options.transport === undefined) return createFileChannel(options);
  const smtp = options.smtp;
  const transport = options.transport ?? nodemailer.createTransport(smtpTransportOptions(smtp!));
  return {
    target: smtp ? `smtp ${smtp.host}:${smtp.port}` : 'smtp (injected transport)',
    async send(mail) {
      const raw = await composeMail(mail, options.from);
      const info = (await transport.sendMail({ envelope: { from: envelopeFrom, to: [...mail.to] }, raw })) as SMTPTransport.SentMessageInfo;
      const rejected = (info.rejected ?? []).map((entry: unknown) => (typeof entry === 'string' ? entry : String((entry as { address?: string }).address)));
      return rejected.length > 0 ? { response: info.response, rejected } : { response: info.response };
    },
    async verify() {
      await transport.verify();
    },
    close() {
      transport.close();
    },
  };
}

function createFileChannel(options: EmailChannelOptions): EmailChannel {
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

/** The mail as RFC 5322 bytes (CRLF): multipart/alternative, text then HTML, UTF-8. Same input → same bytes. */
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
