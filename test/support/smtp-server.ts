// A real SMTP server on 127.0.0.1 for mail tests (smtp-server): keeps every accepted message raw
// and parsed (mailparser), can offer STARTTLS with a test certificate, demand a password, refuse
// recipients (550) or defer them (451 "try later" the first N times), and be closed and started
// again on the same port (a mail server outage).
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
  /** Recipients answered with 451 ("try again later") on their first N RCPT TO, then accepted. */
  readonly deferRecipients?: Readonly<Record<string, number>>;
}

export interface TestSmtpServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Every message accepted so far, in order of acceptance. */
  readonly mails: readonly ReceivedMail[];
  /** Every RCPT TO the server answered, in order: the address and its reply code. */
  readonly rcptAnswers: readonly { readonly address: string; readonly code: number }[];
  /** Replaces the recipients answered with 550 (a mailbox fixed, or newly gone). */
  refuse(addresses: readonly string[]): void;
  /** Resolves once `count` messages have arrived; rejects after timeoutMs. */
  waitForMails(count: number, timeoutMs?: number): Promise<readonly ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let refused = new Set((options.refuseRecipients ?? []).map((address) => address.toLowerCase()));
  const deferLeft = new Map(Object.entries(options.deferRecipients ?? {}).map(([address, times]) => [address.toLowerCase(), times]));
  const rcptAnswers: { address: string; code: number }[] = [];
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
      const key = address.address.toLowerCase();
      const defer = deferLeft.get(key) ?? 0;
      if (refused.has(key)) {
        rcptAnswers.push({ address: address.address, code: 550 });
        callback(Object.assign(new Error(`Mailbox unavailable: ${address.address}`), { responseCode: 550 }));
      } else if (defer > 0) {
        deferLeft.set(key, defer - 1);
        rcptAnswers.push({ address: address.address, code: 451 });
        callback(Object.assign(new Error(`Greylisted, try again later: ${address.address}`), { responseCode: 451 }));
      } else {
        rcptAnswers.push({ address: address.address, code: 250 });
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
    rcptAnswers,
    refuse(addresses) {
      refused = new Set(addresses.map((address) => address.toLowerCase()));
    },
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

/**
 * The `email:` block of a daemon config (YAML lines under `alerting:`) that mails the duty address
 * through this server, retrying quickly: what the daemon tests mean by "the duty team's mail".
 */
export function dutyMailYaml(port: number): string[] {
  return [
    '  email:',
    `    smtp: { host: 127.0.0.1, port: ${port}, timeout: 2s }`,
    '    from: "dvc-sentinel <giamsat@angiang.gov.vn>"',
    '    to: ["trucban@angiang.gov.vn"]',
    '    retry: { first: 200ms, max: 1s }',
  ];
}
