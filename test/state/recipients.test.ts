import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '../../src/config/alerting-config.ts';
import { noticeNotification, noticeRouteKey } from '../../src/state/notice.ts';
import { checkRecipients, normalizeAddress, normalizeAddresses, routeKey } from '../../src/state/recipients.ts';
import { makeAlerting } from '../support/alerting-fixtures.ts';

describe('recipients', () => {
  it('compares addresses one way: trimmed and lower-cased', () => {
    expect(normalizeAddress('  TrucBan@AnGiang.gov.vn ')).toBe('trucban@angiang.gov.vn');
    expect(normalizeAddresses(['b@x.vn', ' B@X.vn', '', 'a@x.vn'])).toEqual(['a@x.vn', 'b@x.vn']);
    expect(routeKey(['B@x.vn', 'a@x.vn ', 'b@x.vn'])).toBe(routeKey(['a@x.vn', 'b@x.vn']));
  });

  it("lets a window's own `to` replace a covered check's recipients", () => {
    const config = makeAlerting({ email: { to: ['trucban@angiang.gov.vn'], routes: [{ match: { system: 'sync' }, to: ['vnpt-ag@example.vn'] }] } });
    const window: MaintenanceWindow = {
      kind: 'absolute',
      name: 'cutover',
      checks: ['dvcqg-*'],
      to: ['ToCongTac@angiang.gov.vn'],
      start: new Date(0),
      end: new Date(1),
    };
    expect(checkRecipients(config, [window], 'dvcqg-home', 'dvcqg', new Date(0))).toEqual(['tocongtac@angiang.gov.vn']);
    expect(checkRecipients(config, [window], 'sync-hoso', 'sync', new Date(0))).toEqual(['trucban@angiang.gov.vn', 'vnpt-ag@example.vn']);
  });

  it('sends notices to email.to, on routes apart from incident mail', () => {
    const config = makeAlerting({ email: { to: [' TrucBan@AnGiang.gov.vn'] } });
    const notification = noticeNotification(config, { kind: 'catalogue_changed', key: '2026-05-29', severity: 'info' }, new Date(0));
    expect(notification).toMatchObject({ type: 'notice', to: ['trucban@angiang.gov.vn'], notice: { kind: 'catalogue_changed', params: {} } });
    expect(noticeRouteKey(notification.to)).not.toBe(routeKey(notification.to));
  });
});
