// A batch of notifications (one route, one mail) → subject, plain text and HTML. Pure: no I/O,
// no clock of its own, no machine time zone; the caller groups, addresses and sends.
import type { AlertingConfig, Locale } from '../../config/alerting-config.ts';
import type { Roster } from '../../config/roster-config.ts';
import type { Notification } from '../../state/notification.ts';
import { buildMailDocument } from './build-mail-document.ts';
import { renderMailHtml } from './render-mail-html.ts';
import { renderMailText } from './render-mail-text.ts';
import { renderSubject } from './render-subject.ts';

export interface MailContext {
  readonly locale: Locale;
  /** The prober's location label, shown in the footer ("Điểm giám sát: an-giang"). */
  readonly location?: string;
  readonly links: { readonly dashboard?: string; readonly statusPage?: string };
  /** When the mail is made (the footer's time); durations are measured to each notification's createdAt. */
  readonly now: Date;
  /** Display names for systems; fall back to DEFAULT_SYSTEM_NAMES, then to the raw label. */
  readonly systemNames?: Readonly<Record<string, string>>;
  /** The duty roster: every incident mail says who is on duty and whom to call. */
  readonly roster?: Roster;
  /** alerting.email.routes: a mail names the organisations its incident's routes tell. */
  readonly routes?: AlertingConfig['email']['routes'];
}

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** A batch = the notifications of one route that go out as ONE mail. Throws on an empty batch (a caller bug). */
export function renderEmail(batch: readonly Notification[], context: MailContext): RenderedMail {
  const subject = renderSubject(batch, context);
  const document = buildMailDocument(batch, context);
  return { subject, text: renderMailText(document), html: renderMailHtml(document, subject) };
}
