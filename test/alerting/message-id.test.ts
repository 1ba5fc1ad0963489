import { describe, expect, it } from 'vitest';
import { createMessageId, incidentAnchorId, mailDomainOf, noticeAnchorId, noticeMessageId, threadHeadersOf } from '../../src/alerting/message-id.ts';
import { makeIncident, makeNotification } from '../support/alerting-fixtures.ts';

describe('mailDomainOf', () => {
  it.each([
    ['dvc-sentinel <giamsat@angiang.gov.vn>', 'angiang.gov.vn'],
    ['giamsat@AnGiang.gov.vn', 'angiang.gov.vn'],
    ['no address here', 'localhost'],
  ])('%s → %s', (from, domain) => expect(mailDomainOf(from)).toBe(domain));
});

describe('createMessageId', () => {
  it('is <dvc.{seed}.{random}@{domain}> and differs every time', () => {
    const first = createMessageId(42, 'angiang.gov.vn');
    expect(first).toMatch(/^<dvc\.42\.[0-9a-f]{16}@angiang\.gov\.vn>$/);
    expect(createMessageId(42, 'angiang.gov.vn')).not.toBe(first);
  });
});

describe('threadHeadersOf', () => {
  const domain = 'angiang.gov.vn';
  const parent = makeIncident({ check: 'dvcqg-home' });
  const child = makeIncident({ check: 'dvcqg-search' });

  it('gives a firing mail the anchors of its incident and riders, and no In-Reply-To', () => {
    expect(threadHeadersOf([makeNotification('firing', { incident: parent, riders: [child] })], domain)).toEqual({
      references: [incidentAnchorId(parent.id, domain), incidentAnchorId(child.id, domain)],
    });
  });

  it('makes reminder and resolved mails replies to the incident anchor', () => {
    for (const type of ['reminder', 'resolved'] as const) {
      expect(threadHeadersOf([makeNotification(type, { incident: parent })], domain)).toEqual({
        references: [`<incident.${parent.id}@${domain}>`],
        inReplyTo: `<incident.${parent.id}@${domain}>`,
      });
    }
  });

  it('lists every incident of a batch once, and replies to the first follow-up', () => {
    const batch = [makeNotification('firing', { incident: child }), makeNotification('resolved', { incident: parent, riders: [child] })];
    expect(threadHeadersOf(batch, domain)).toEqual({
      references: [incidentAnchorId(child.id, domain), incidentAnchorId(parent.id, domain)],
      inReplyTo: incidentAnchorId(parent.id, domain),
    });
  });

  it('keeps ids to characters a msg-id allows', () => {
    expect(incidentAnchorId('a b<c>@d', domain)).toBe('<incident.a-b-c--d@angiang.gov.vn>');
  });
});

describe('notice ids', () => {
  it('are <notice.{kind}.{seed}.{random}@{domain}>, threaded under <notice.{kind}.{key}@{domain}>, apart from incidents', () => {
    const random = (bytes: number) => Buffer.alloc(bytes, 0xab);
    expect(noticeMessageId('report_late', 42, 'angiang.gov.vn', random)).toBe('<notice.report_late.42.abababababababab@angiang.gov.vn>');
    expect(noticeAnchorId('token_renewal_failed', 'igate <prod>', 'angiang.gov.vn')).toBe('<notice.token_renewal_failed.igate--prod-@angiang.gov.vn>');
    expect(noticeAnchorId('report_late', 'x', 'd')).not.toBe(incidentAnchorId('x', 'd'));
  });
});
