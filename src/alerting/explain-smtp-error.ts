// Says in one plain sentence why a mail could not be sent, from nodemailer's error (code, command,
// SMTP reply) and the SMTP settings; and picks the fields of such an error that are safe to log.
// Never mentions the password: nodemailer's errors do not carry it, and nothing here adds it.
import type { SmtpConfig } from '../config/alerting-config.ts';

/** What nodemailer puts on its errors (SMTPConnection.SMTPError), all optional. */
interface SmtpErrorShape {
  readonly code?: string;
  readonly command?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly message?: string;
  readonly reason?: string;
}

export type SmtpFailureKind =
  | 'refused'
  | 'unreachable'
  | 'no_greeting'
  | 'dns'
  | 'tls_untrusted'
  | 'tls_name'
  | 'tls_not_spoken'
  | 'starttls_missing'
  | 'auth_refused'
  | 'auth_required'
  | 'sender_refused'
  | 'recipient_refused'
  | 'message_refused'
  | 'other';

export interface SmtpFailure {
  readonly kind: SmtpFailureKind;
  /** One sentence for a technician: what happened and what to change. */
  readonly explanation: string;
}

/** Fields for a log line: code, command and the server's reply; no credentials. */
export function smtpErrorFields(error: unknown): Record<string, string | number> {
  const shape = (error ?? {}) as SmtpErrorShape;
  const fields: Record<string, string | number> = { error: shape.message ?? String(error) };
  if (shape.code !== undefined) fields.code = shape.code;
  if (shape.command !== undefined) fields.command = shape.command;
  if (shape.responseCode !== undefined) fields.responseCode = shape.responseCode;
  if (shape.response !== undefined) fields.response = shape.response;
  return fields;
}

export function explainSmtpError(
  error: unknown,
  smtp: Pick<SmtpConfig, 'host' | 'port' | 'secure' | 'requireTLS' | 'timeoutSeconds'> & { readonly auth?: { readonly user: string } },
): SmtpFailure {
  const shape = (error ?? {}) as SmtpErrorShape;
  const message = shape.message ?? String(error);
  const server = `${smtp.host}:${smtp.port}`;
  const reply = shape.response ? ` (server answered: ${shape.response})` : '';
  const command = shape.command ?? '';

  if (/ECONNREFUSED/.test(message)) {
    return {
      kind: 'refused',
      explanation: `nothing is listening on ${server} (connection refused): check alerting.email.smtp.host and port, and that the mail server is running`,
    };
  }
  if (/ENOTFOUND|EAI_AGAIN|ENODATA/.test(message) || shape.code === 'EDNS') {
    return { kind: 'dns', explanation: `the name ${smtp.host} could not be resolved (${message})` };
  }
  if (/EHOSTUNREACH|ENETUNREACH/.test(message)) {
    return { kind: 'unreachable', explanation: `${server} cannot be reached from here (${message}): check routes and firewalls` };
  }
  if (shape.code === 'ETIMEDOUT' && /Greeting never received/i.test(message)) {
    const hint = smtp.secure
      ? ' (with secure: true the server must speak TLS at once, as on port 465)'
      : ': is this an SMTP port, or does it expect TLS at once (secure: true, port 465)?';
    return { kind: 'no_greeting', explanation: `${server} accepted the connection but sent no SMTP greeting within ${smtp.timeoutSeconds} s${hint}` };
  }
  if (shape.code === 'ETIMEDOUT' && /TLS handshake/i.test(message)) {
    return { kind: 'tls_not_spoken', explanation: `the TLS handshake with ${server} did not finish within ${smtp.timeoutSeconds} s (${message})` };
  }
  if (shape.code === 'ETIMEDOUT' && message === 'Timeout') {
    return { kind: 'unreachable', explanation: `${server} stopped answering in the middle of the SMTP conversation${command ? ` (at ${command})` : ''}` };
  }
  if (shape.code === 'ETIMEDOUT' || /ETIMEDOUT|timeout/i.test(message)) {
    return { kind: 'unreachable', explanation: `no answer from ${server} within ${smtp.timeoutSeconds} s (${message}): a firewall may drop the traffic` };
  }
  if (/altnames|does not match certificate/i.test(message)) {
    return {
      kind: 'tls_name',
      explanation: `the TLS certificate of ${server} is for another name (${shape.reason ?? message}): set alerting.email.smtp.tls.serverName to a name the certificate holds, or use that name as host`,
    };
  }
  if (/certificate|self[- ]signed|unable to (get|verify)|CERT_/i.test(message)) {
    return {
      kind: 'tls_untrusted',
      explanation: `the TLS certificate of ${server} is not trusted (${message}): set alerting.email.smtp.tls.caFile to the CA that signed it`,
    };
  }
  if (/wrong version number|packet length too long|unknown protocol/i.test(message)) {
    return {
      kind: 'tls_not_spoken',
      explanation: `${server} does not speak TLS at once (${shape.reason ?? message}): secure: true is for port 465; on 587 or 25 use secure: false, which upgrades with STARTTLS`,
    };
  }
  if (shape.code === 'ETLS' || command === 'STARTTLS') {
    return { kind: 'starttls_missing', explanation: `STARTTLS is required (requireTLS: true) but ${server} does not offer it or refused it${reply}` };
  }
  if (shape.code === 'EAUTH') {
    const user = smtp.auth ? ` for user "${smtp.auth.user}"` : '';
    return {
      kind: 'auth_refused',
      explanation: `authentication refused${user}${reply || ` (${message})`}: check alerting.email.smtp.auth (the password is not shown)`,
    };
  }
  if (command === 'MAIL FROM' && (shape.responseCode === 530 || /auth/i.test(shape.response ?? ''))) {
    return { kind: 'auth_required', explanation: `${server} requires authentication${reply}: set alerting.email.smtp.auth` };
  }
  if (command === 'MAIL FROM') {
    return { kind: 'sender_refused', explanation: `the sender address was refused${reply}: check alerting.email.from` };
  }
  if (command === 'RCPT TO') {
    return { kind: 'recipient_refused', explanation: `recipient refused${reply}: check alerting.email.to and routes` };
  }
  if (shape.code === 'EMESSAGE' || command === 'DATA' || /^DATA/.test(command)) {
    return { kind: 'message_refused', explanation: `the server refused the message${reply}` };
  }
  return { kind: 'other', explanation: `${shape.code ? `${shape.code}: ` : ''}${message}${reply && !message.includes(shape.response ?? '') ? reply : ''}` };
}
