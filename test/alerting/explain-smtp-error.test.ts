import { afterEach, describe, expect, it } from 'vitest';
import { createMailSender } from '../../src/alerting/channels/email.ts';
import { explainSmtpError, smtpErrorFields } from '../../src/alerting/explain-smtp-error.ts';
import { captureLog, plainSmtp } from '../support/alerting-fixtures.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';

const smtp = plainSmtp(587, { host: 'mail.angiang.gov.vn', auth: { user: 'giamsat', pass: 'never-printed' } });
const error = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message ?? 'failed')), fields);

describe('explainSmtpError', () => {
  it.each([
    ['dns', error({ code: 'EDNS', message: 'getaddrinfo ENOTFOUND mail.angiang.gov.vn' }), /could not be resolved/],
    [
      'auth_required',
      error({ code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 530, response: '530 5.7.0 Authentication required' }),
      /requires authentication \(server answered: 530 5\.7\.0 Authentication required\): set alerting\.email\.smtp\.auth/,
    ],
    [
      'sender_refused',
      error({ code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553, response: '553 sender not allowed' }),
      /sender address was refused .*alerting\.email\.from/,
    ],
    [
      'message_refused',
      error({ code: 'EMESSAGE', command: 'DATA', responseCode: 554, response: '554 spam' }),
      /refused the message \(server answered: 554 spam\)/,
    ],
    ['other', error({ code: 'EPROTOCOL', message: 'Unexpected Response' }), /^EPROTOCOL: Unexpected Response$/],
  ])('%s', (kind, failure, explanation) => {
    const result = explainSmtpError(failure, smtp);
    expect(result.kind).toBe(kind);
    expect(result.explanation).toMatch(explanation);
    expect(result.explanation).not.toContain('never-printed');
  });

  it('keeps only code, command and reply in log fields', () => {
    expect(smtpErrorFields(error({ code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535, response: '535 no', message: 'Invalid login: 535 no' }))).toEqual({
      error: 'Invalid login: 535 no',
      code: 'EAUTH',
      command: 'AUTH PLAIN',
      responseCode: 535,
      response: '535 no',
    });
  });
});

describe('explainSmtpError on a real server', () => {
  let server: TestSmtpServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('says when secure: true meets a server that starts in plain text', async () => {
    server = await startSmtpServer();
    const config = plainSmtp(server.port, { secure: true });
    const channel = createMailSender({ smtp: config, from: 'giamsat@angiang.gov.vn', outboxDir: '/nonexistent', log: captureLog().log });
    const failure = await channel
      .send({
        id: 1,
        messageId: '<a@angiang.gov.vn>',
        to: ['trucban@angiang.gov.vn'],
        subject: 's',
        text: 't',
        html: '<p>t</p>',
        date: new Date(),
        boundary: 'b',
      })
      .catch((caught: unknown) => caught);
    expect(explainSmtpError(failure, config)).toMatchObject({ kind: 'tls_not_spoken', explanation: expect.stringContaining('secure: true is for port 465') });
  });
});
