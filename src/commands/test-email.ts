// `dvc-sentinel test-email --config FILE`: sends one test mail to `alerting.email.to` at once (no
// outbox, no grouping) and says plainly how the SMTP conversation went. It talks to the server step
// by step (connect and TLS, login, send) with the daemon's own settings, so it can name the step
// that failed and the TLS that was used. Without `smtp` it writes the .eml file the daemon would.
import { randomBytes } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { addressOf, composeMail, createMailSender, smtpTransportOptions, type OutgoingMail } from '../alerting/channels/email.ts';
import { explainSmtpError } from '../alerting/explain-smtp-error.ts';
import { renderEmail } from '../alerting/messages/render-email.ts';
import { createMessageId, mailDomainOf } from '../alerting/message-id.ts';
import type { Notification } from '../state/notification.ts';
import type { SmtpConfig } from '../config/alerting-config.ts';
import { ConfigError, countProblems, formatConfigIssue } from '../config/config-error.ts';
import type { Config } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import type { Logger } from '../log.ts';

export const EXIT_SENT = 0;
export const EXIT_NOT_SENT = 1;
export const EXIT_INVALID = 2;

export interface TestEmailIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

export async function testEmailCommand(options: { config: string }, io: TestEmailIo, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(options.config, env).config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) io.stderr(formatConfigIssue(issue));
    io.stderr(`${countProblems(error.issues.length)} in ${options.config}`);
    return EXIT_INVALID;
  }
  const email = config.alerting.email;
  if (email.to.length === 0) {
    io.stderr(`no recipients: set alerting.email.to in ${options.config} (the test mail goes there)`);
    return EXIT_INVALID;
  }
  const mail = buildTestMail(config, new Date());
  if (email.smtp === undefined) {
    const channel = createMailSender({ from: email.from, outboxDir: email.outboxDir, log });
    try {
      const receipt = await channel.send(mail);
      io.stdout(`no alerting.email.smtp configured: the test mail to ${mail.to.join(', ')} was written to ${receipt.file}`);
      return EXIT_SENT;
    } catch (error) {
      io.stderr(`not written: ${(error as Error).message}`);
      return EXIT_NOT_SENT;
    }
  }
  return sendOverSmtp(mail, email.from, email.smtp, io);
}

function buildTestMail(config: Config, now: Date): OutgoingMail {
  const alerting = config.alerting;
  const notification: Notification = { type: 'test', riders: [], to: alerting.email.to, createdAt: now };
  const rendered = renderEmail([notification], { locale: alerting.locale, location: config.location, links: alerting.links, now });
  return {
    id: 'test',
    messageId: createMessageId(`test-${now.getTime()}`, mailDomainOf(alerting.email.from)),
    to: alerting.email.to,
    ...rendered,
    date: now,
    boundary: randomBytes(12).toString('hex'),
  };
}

async function sendOverSmtp(mail: OutgoingMail, from: string, smtp: SmtpConfig, io: TestEmailIo): Promise<number> {
  const server = `${smtp.host}:${smtp.port}`;
  const connection = new SMTPConnection(smtpTransportOptions(smtp));
  // Errors arrive as events too; without a listener one would crash the process.
  let lateError: Error | undefined;
  connection.on('error', (error: Error) => (lateError = error));
  try {
    await new Promise<void>((resolve, reject) => {
      connection.once('error', reject);
      connection.connect((error) => (error ? reject(error) : resolve()));
    });
    const security = describeSecurity(connection, smtp);
    if (smtp.auth) {
      const { user, pass } = smtp.auth;
      await new Promise<void>((resolve, reject) => connection.login({ user, pass }, (error) => (error ? reject(error) : resolve())));
    }
    const raw = await composeMail(mail, from);
    const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) =>
      connection.send({ from: addressOf(from), to: [...mail.to] }, raw, (error, sent) => (error ? reject(error) : resolve(sent))),
    );
    connection.quit();
    const authenticated = smtp.auth ? `, authenticated as "${smtp.auth.user}"` : '';
    const accepted = info.accepted.length > 0 ? info.accepted.join(', ') : mail.to.join(', ');
    io.stdout(`sent to ${accepted} via ${server} (${security}${authenticated}); server answered: ${info.response}`);
    io.stdout(`Message-ID: ${mail.messageId}`);
    const refused = info.rejectedErrors ?? [];
    if (info.rejected.length === 0) return EXIT_SENT;
    for (const [index, address] of info.rejected.entries()) {
      const error = refused[index];
      io.stderr(`recipient refused: ${address}${error?.response ? ` (server answered: ${error.response})` : ''}`);
    }
    return EXIT_NOT_SENT;
  } catch (error) {
    connection.close();
    const { explanation } = explainSmtpError(error ?? lateError, smtp);
    io.stderr(`not sent to ${mail.to.join(', ')} via ${server}: ${explanation}`);
    return EXIT_NOT_SENT;
  }
}

/** "STARTTLS, TLSv1.3", "TLS, TLSv1.3" (secure: true) or "no TLS". */
function describeSecurity(connection: SMTPConnection, smtp: SmtpConfig): string {
  if (!connection.secure) return 'no TLS';
  const protocol = (connection._socket as TLSSocket).getProtocol?.() ?? 'TLS';
  return `${smtp.secure ? 'TLS' : 'STARTTLS'}, ${protocol}`;
}
