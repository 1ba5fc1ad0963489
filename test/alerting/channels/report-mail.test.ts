// A report through the email channel: rendered when queued, copied into the frozen mail with its
// attachments (base64), and the very same bytes on every attempt, after the store's JSON too.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMail, createEmailChannel, type MailSender, type OutgoingMail } from '../../../src/alerting/channels/email.ts';
import type { Notification } from '../../../src/state/notification.ts';
import { deserialize, serialize } from '../../../src/store/serialize.ts';
import { captureLog, makeAlerting, makeNotification } from '../../support/alerting-fixtures.ts';

const FROM = 'dvc-sentinel <giamsat@angiang.gov.vn>';
const slot = new Date('2026-12-04T08:30:00Z');
const report: Notification = {
  type: 'report',
  riders: [],
  to: ['pc06@angiang.gov.vn'],
  createdAt: slot,
  report: {
    name: 'daily',
    scheduledFor: slot,
    cc: ['lanhdao@angiang.gov.vn'],
    subject: '[BÁO CÁO] Sở KH&CN An Giang',
    text: 'Tình hình hoạt động',
    html: '<p>Tình hình hoạt động</p>',
    attachments: [
      { filename: 'bao-cao.csv', contentType: 'text/csv; charset=utf-8', contentBase64: Buffer.from('\uFEFFKiểm tra,Tỷ lệ\r\n').toString('base64') },
      { filename: 'bao-cao.docx', contentType: 'application/octet-stream', contentBase64: Buffer.from([0x50, 0x4b, 3, 4, 0, 255]).toString('base64') },
    ],
  },
};

function channel() {
  const sent: OutgoingMail[] = [];
  const sender: MailSender = {
    target: 'test',
    send: async (mail) => {
      sent.push(mail);
      return { response: '250 OK' };
    },
    verify: async () => {},
    close: () => {},
  };
  return { sent, email: createEmailChannel({ sender, alerting: makeAlerting({ email: { from: FROM } }), log: captureLog().log }) };
}

describe('report mail on the email channel', () => {
  it('freezes the report with its Message-ID, cc and attachments; a re-send after the store round trip is byte for byte the same', async () => {
    const { sent, email } = channel();
    const rendered = email.render([report], { now: new Date('2026-12-04T08:30:01Z'), seed: 7 });
    expect(rendered.id).toMatch(/^<report\.daily\.202612040830\.[0-9a-f]{16}@angiang\.gov\.vn>$/);
    const stored = email.read(deserialize(serialize(rendered.content)))!;
    await email.send({ deliveryId: 3, id: rendered.id, content: stored });
    await email.send({ deliveryId: 3, id: rendered.id, content: email.read(deserialize(serialize(rendered.content)))! });
    const [first, second] = await Promise.all(sent.map((mail) => composeMail(mail, FROM)));
    expect(first!.equals(second!)).toBe(true);

    const parsed = await simpleParser(first!);
    expect(parsed.messageId).toBe(rendered.id);
    expect(parsed.subject).toBe('[BÁO CÁO] Sở KH&CN An Giang');
    expect(parsed.cc && !Array.isArray(parsed.cc) ? parsed.cc.text : undefined).toBe('lanhdao@angiang.gov.vn');
    expect(parsed.html).toContain('<p>Tình hình hoạt động</p>');
    expect(parsed.text).toContain('Tình hình hoạt động');
    expect(parsed.attachments.map((file) => [file.filename, [...file.content]])).toEqual([
      ['bao-cao.csv', [...Buffer.from('\uFEFFKiểm tra,Tỷ lệ\r\n')]],
      ['bao-cao.docx', [0x50, 0x4b, 3, 4, 0, 255]],
    ]);
    expect(rendered.content.types).toEqual(['report']);
  });

  it('never mixes a report with other notifications in one mail', () => {
    const { email } = channel();
    expect(() => email.render([report, makeNotification('test')], { now: slot, seed: 1 })).toThrow(/exactly one report/);
  });
});
