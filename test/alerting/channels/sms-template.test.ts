import { describe, expect, it } from 'vitest';
import { fillSmsTemplate } from '../../../src/alerting/sms/sms-template.ts';
import { makeIncident, makeNotification, OPENED } from '../../support/alerting-fixtures.ts';

const TEMPLATE = 'DVC {severity}: {system} {check} {status} tu {since} ({reason}) {incident} {link}';

describe('fillSmsTemplate', () => {
  it('fills every variable from an incident, in Vietnam time', () => {
    const incident = makeIncident({ severity: 'warning' });
    const text = fillSmsTemplate(TEMPLATE, makeNotification('firing', { incident }), { locale: 'vi', statusPage: 'https://giamsat.example/' });
    // OPENED is 15:10:05 UTC: 22:10 in Asia/Ho_Chi_Minh.
    expect(OPENED.toISOString()).toBe('2026-05-29T15:10:05.000Z');
    expect(text).toBe(`DVC CẢNH BÁO: national-portal dvcqg-home lỗi tu 22:10 29/05/2026 (timeout) ${incident.id} https://giamsat.example/`);
  });

  it('says what happened by type, in the configured language', () => {
    const incident = makeIncident({ resolvedAt: new Date('2026-05-29T16:00:00Z') });
    expect(fillSmsTemplate('{status}', makeNotification('resolved', { incident }), { locale: 'vi' })).toBe('đã hết lỗi');
    expect(fillSmsTemplate('{status}', makeNotification('reminder', { incident }), { locale: 'vi' })).toBe('vẫn lỗi');
    expect(fillSmsTemplate('{severity} {status} {since}', makeNotification('resolved', { incident }), { locale: 'en' })).toBe(
      'CRITICAL recovered 22:10 29 May 2026',
    );
  });

  it('tells an escalation from a reminder, and names a flapping check as flapping', () => {
    const incident = makeIncident({ flapping: { since: OPENED, changes: 7, windowSeconds: 1800 } });
    expect(fillSmsTemplate('{status}', makeNotification('reminder', { incident, escalation: { afterSeconds: 600 } }), { locale: 'vi' })).toBe(
      'vẫn lỗi, chưa được tiếp nhận',
    );
    expect(fillSmsTemplate('{status}', makeNotification('flapping', { incident }), { locale: 'vi' })).toBe('chập chờn');
    expect(fillSmsTemplate('{status}', makeNotification('flapping', { incident }), { locale: 'en' })).toBe('flapping');
  });

  it('fills a notice about the monitor with its kind and severity, and an absent link with nothing', () => {
    const notification = makeNotification('notice', {
      createdAt: new Date('2026-05-30T01:00:00Z'),
      notice: { kind: 'store_unwritable', key: 'disk', severity: 'critical', params: {} },
    });
    expect(fillSmsTemplate('{severity} {check} {status} {since} [{link}]', notification, { locale: 'vi' })).toBe(
      'NGHIÊM TRỌNG store_unwritable thông báo 08:00 30/05/2026 []',
    );
  });
});
