// A real SMTP server on 127.0.0.1 for mail tests (smtp-server): keeps every accepted message raw
// and parsed (mailparser), can offer STARTTLS with a test certificate, demand a password, refuse
// recipients, and be closed and started again on the same port (a mail server outage).
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  /** The session was encrypted (STARTTLS or implicit TLS). */
  readonly secure: boolean;
  readonly user?: string;
  readonly receivedAt: Date;
}

export interface SmtpServerOptions {
  /** Default: chosen by the OS. */
  readonly port?: number;
  /** Offer STARTTLS with this certificate; absent = no STARTTLS at all. */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
  /** Demand AUTH with exactly these credentials; absent = no AUTH. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Recipients answered with 550. */
  readonly refuseRecipients?: readonly string[];
}

export interface TestSmtpServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Every message accepted so far, in order of acceptance. */
  readonly mails: readonly ReceivedMail[];
  /** Resolves once `count` messages have arrived; rejects after timeoutMs. */
  waitForMails(count: number, timeoutMs?: number): Promise<readonly ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const refused = new Set((options.refuseRecipients ?? []).map((address) => address.toLowerCase()));
  const serverOptions: SMTPServerOptions = {
    logger: false,
    // Without it every client costs a PTR query through the system resolver (off this machine).
    disableReverseLookup: true,
    ...(options.tls ? { key: options.tls.keyPem, cert: options.tls.certPem } : {}),
    disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    authOptional: options.auth === undefined,
    // Lets a test send credentials over a plain session; the STARTTLS tests cover encryption.
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
      }
    },
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address.toLowerCase())) {
        callback(Object.assign(new Error(`Mailbox unavailable: ${address.address}`), { responseCode: 550 }));
      } else {
        callback();
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            mails.push({
              raw,
              parsed,
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((address) => address.address),
              },
              secure: session.secure,
              ...(typeof session.user === 'string' ? { user: session.user } : {}),
              receivedAt: new Date(),
            });
            for (const wake of waiters) wake();
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    mails,
    waitForMails(count, timeoutMs = 15_000) {
      if (mails.length >= count) return Promise.resolve(mails);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} mails within ${timeoutMs} ms, got ${mails.length}`));
        }, timeoutMs);
        const check = () => {
          if (mails.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(mails);
        };
        waiters.add(check);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
