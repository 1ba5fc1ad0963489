// The desk's mails as a real SMTP server receives them: in the incident's thread (the same
// References / In-Reply-To anchors as the incident's own mails), with the directive's labels, and
// with everything a person typed inert in the HTML part.
import { afterEach, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { createEmailChannel, createMailSender } from '../../src/alerting/channels/email.ts';
import { incidentAnchorId } from '../../src/alerting/message-id.ts';
import { createOutbox } from '../../src/alerting/outbox.ts';
import { systemClock } from '../../src/clock.ts';
import { createStoreDesk } from '../../src/desk/store-desk.ts';
import { openStore } from '../../src/store/store.ts';
import { captureLog, makeAlerting, plainSmtp } from '../support/alerting-fixtures.ts';
import { startSmtpServer } from '../support/smtp-server.ts';
import { createTempDatabaseDir } from '../support/temp-database.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const SCRIPT = '<script>alert("x")</script>';

function referencesOf(mail: ParsedMail): string[] {
  const references = mail.references;
  return references === undefined ? [] : Array.isArray(references) ? references : references.split(/\s+/).filter(Boolean);
}

describe('the desk’s mails', () => {
  it('thread into the incident, carry the directive’s labels, and escape every typed field', async () => {
    const server = await startSmtpServer();
    cleanups.push(() => server.close());
    const dir = createTempDatabaseDir();
    cleanups.push(() => dir.remove());
    const { log } = captureLog('warn');
    const store = openStore(dir.path(), { log, clock: systemClock });
    cleanups.push(() => store.close());
    const alerting = makeAlerting({ email: { smtp: plainSmtp(server.port), to: ['trucban@angiang.gov.vn'] } });
    const sender = createMailSender({ smtp: plainSmtp(server.port), from: alerting.email.from, outboxDir: alerting.email.outboxDir, log });
    const outbox = createOutbox({ store, alerting, clock: systemClock, log, channels: [createEmailChannel({ sender, alerting, log })] });
    outbox.start();
    cleanups.push(() => outbox.stop());
    const desk = createStoreDesk({ store, clock: systemClock, alerting: () => alerting, onQueued: () => outbox.wake() });
    const actor = { user: `op${SCRIPT}`, address: '127.0.0.1' };

    const opened = desk.openIncident(actor, {
      title: `Tiêu đề ${SCRIPT}`,
      system: `vneid${SCRIPT}`,
      severity: 'critical',
      description: `Mô tả ${SCRIPT}\ndòng hai`,
      reportedBy: `xã ${SCRIPT}`,
    });
    const id = opened.incident.id;
    desk.acknowledge(id, actor, `tiếp nhận ${SCRIPT}`);
    desk.addNote(
      id,
      actor,
      { cause: `cause ${SCRIPT}`, plan: `plan ${SCRIPT}`, expectedFixAt: new Date('2026-05-29T10:00:00Z'), result: `result ${SCRIPT}`, text: `text ${SCRIPT}` },
      true,
    );
    desk.resolve(id, actor, `xong ${SCRIPT}`);

    const mails = await server.waitForMails(4, 10_000);
    const anchor = incidentAnchorId(id, 'angiang.gov.vn');
    const byTag = (tag: string) => mails.find((mail) => mail.parsed.subject?.startsWith(`[${tag}]`))?.parsed;
    const openedMail = byTag('SỰ CỐ DO NGƯỜI BÁO')!;
    const acknowledged = byTag('ĐÃ TIẾP NHẬN')!;
    const note = byTag('CẬP NHẬT XỬ LÝ')!;
    const resolved = byTag('ĐÃ XỬ LÝ XONG')!;
    for (const mail of [openedMail, acknowledged, note, resolved]) {
      expect(mail).toBeDefined();
      expect(referencesOf(mail)).toEqual([anchor]);
      const html = String(mail.html);
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    }
    // The opening announces; the others follow up in its thread.
    expect(openedMail.inReplyTo).toBeUndefined();
    expect([acknowledged.inReplyTo, note.inReplyTo, resolved.inReplyTo]).toEqual([anchor, anchor, anchor]);
    expect(openedMail.subject).toContain(`Tiêu đề ${SCRIPT}`);
    expect(openedMail.text).toContain(`Người báo: xã ${SCRIPT}`);
    expect(String(openedMail.html)).toContain('Mô tả &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>dòng hai');
    expect(acknowledged.text).toContain(`Ghi chú: tiếp nhận ${SCRIPT}`);
    for (const line of [
      `Nguyên nhân: cause ${SCRIPT}`,
      `Phương án xử lý: plan ${SCRIPT}`,
      'Thời gian dự kiến hoàn thành: 29/05/2026 17:00:00',
      `Kết quả xử lý: result ${SCRIPT}`,
    ]) {
      expect(note.text).toContain(line);
    }
    expect(resolved.text).toContain(`Kết quả xử lý: xong ${SCRIPT}`);
    await outbox.idle();
    expect(store.outbox.pending('email')).toEqual([]);
  });
});
