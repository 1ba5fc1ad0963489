// An SMS channel's fixed template (carriers accept only registered templates) filled from one
// notification: `{severity}`, `{system}`, `{check}`, `{since}`, `{status}`, `{reason}`, `{incident}`,
// `{link}`. Values are short codes and words from text/ (sms section); the sentence is the template's.
import type { Locale } from '../../config/alerting-config.ts';
import { SMS_PLACEHOLDER, type SmsTemplateVariable } from '../../config/sms-template-variables.ts';
import type { Notification } from '../../state/notification.ts';
import { formatClock, formatDate } from '../../text/format-time.ts';
import { wordsFor, type SmsWords } from '../../text/locale.ts';

export function fillSmsTemplate(template: string, notification: Notification, options: { readonly locale: Locale; readonly statusPage?: string }): string {
  const words = wordsFor(options.locale).sms;
  const { incident, notice } = notification;
  const since = incident?.openedAt ?? notification.createdAt;
  const values: Record<SmsTemplateVariable, string> = {
    severity: words.severity[incident?.severity ?? (notice?.severity === 'critical' || notice?.severity === 'warning' ? notice.severity : 'info')],
    system: incident?.system ?? notification.backend?.system ?? '',
    check: incident?.check ?? notification.backend?.check ?? notice?.kind ?? '',
    since: `${formatClock(since)} ${formatDate(since, options.locale)}`,
    status: statusOf(notification, words.status),
    reason: incident?.lastReason ?? incident?.firstReason ?? '',
    incident: incident?.id ?? '',
    link: options.statusPage ?? '',
  };
  return template.replace(SMS_PLACEHOLDER, (whole, name: string) => (name in values ? values[name as SmsTemplateVariable] : whole));
}

/** `{status}`: an escalation reads as one (not as a plain reminder); a flapping notice as flapping. */
function statusOf(notification: Notification, words: SmsWords['status']): string {
  const type = notification.type;
  if (notification.escalation !== undefined) return words.escalation;
  return type === 'firing' || type === 'reminder' || type === 'resolved' || type === 'notice' || type === 'flapping' ? words[type] : words.other;
}
