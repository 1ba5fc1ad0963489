// An SMS channel's fixed template (carriers accept only registered templates) filled from one
// notification: `{severity}`, `{system}`, `{check}`, `{since}`, `{status}`, `{reason}`, `{incident}`,
// `{link}`. Values are short codes and words from text/ (sms section); the sentence is the template's.
import type { Locale } from '../../config/alerting-config.ts';
import { SMS_PLACEHOLDER, type SmsTemplateVariable } from '../../config/sms-template-variables.ts';
import type { Notification } from '../../state/notification.ts';
import { formatClock, formatDate } from '../../text/format-time.ts';
import { wordsFor } from '../../text/locale.ts';

export function fillSmsTemplate(template: string, notification: Notification, options: { readonly locale: Locale; readonly statusPage?: string }): string {
  const words = wordsFor(options.locale).sms;
  const { incident, notice } = notification;
  const since = incident?.openedAt ?? notification.createdAt;
  const type = notification.type;
  const values: Record<SmsTemplateVariable, string> = {
    severity: words.severity[incident?.severity ?? (notice?.severity === 'critical' || notice?.severity === 'warning' ? notice.severity : 'info')],
    system: incident?.system ?? '',
    check: incident?.check ?? notice?.kind ?? '',
    since: `${formatClock(since)} ${formatDate(since, options.locale)}`,
    status: type === 'firing' || type === 'reminder' || type === 'resolved' || type === 'notice' ? words.status[type] : words.status.other,
    reason: incident?.lastReason ?? incident?.firstReason ?? '',
    incident: incident?.id ?? '',
    link: options.statusPage ?? '',
  };
  return template.replace(SMS_PLACEHOLDER, (whole, name: string) => (name in values ? values[name as SmsTemplateVariable] : whole));
}
