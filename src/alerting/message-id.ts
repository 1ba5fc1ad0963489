// Message-IDs and the threading headers that keep all mails of one incident in one thread.
//
// Threading: each incident has a deterministic anchor id, <incident.{id}@{domain}>, that no mail
// carries as its own Message-ID (one mail may announce several incidents, and it can have only one
// Message-ID). Every mail lists the anchors of the incidents it carries, riders included, in
// `References`, the first mail of an incident too; clients that thread by References (Thunderbird,
// Apple Mail, Outlook, Gmail together with the subject) then group firing → reminder → resolved
// under the same parent. `In-Reply-To` names the anchor of the first incident the mail is a
// follow-up about (reminder, resolved…); a mail that only announces (firing) has none, so no client
// shows the opening mail as "a reply to a missing message".
//
// Notices (state/notification.ts) have their own scheme: each mail's Message-ID is
// <notice.{kind}.{seed}.{16 hex}@{domain}>, and its References name the anchor
// <notice.{kind}.{key}@{domain}>, so notices of one kind about one thing (one report, one token)
// thread together and never into an incident's thread.
//
// Reports have a third: <report.{name}.{yyyymmddhhmm}.{16 hex}@{domain}>, the slot's time in UTC,
// one mail per slot (a re-send after a crash is the same frozen mail with the same id).
import { randomBytes } from 'node:crypto';
import type { Notification } from '../state/notification.ts';

export interface ThreadHeaders {
  /** Anchor ids, each `<…>`, in the order the mail carries them. */
  readonly references: readonly string[];
  readonly inReplyTo?: string;
}

/** The domain of "Name <user@domain>" or "user@domain"; "localhost" when there is none. */
export function mailDomainOf(from: string): string {
  const address = /<([^<>]*)>\s*$/.exec(from)?.[1] ?? from;
  const domain = address
    .slice(address.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase();
  return address.includes('@') && /^[a-z0-9.-]+$/.test(domain) ? domain : 'localhost';
}

/** Unique per delivery: `<dvc.{seed}.{16 hex}@{domain}>`. `seed` is a number that never repeats (an outbox row id). */
export function createMessageId(seed: number | string, domain: string, random: (bytes: number) => Buffer = randomBytes): string {
  return `<dvc.${toIdText(String(seed))}.${random(8).toString('hex')}@${domain}>`;
}

/** Unique per notice mail: `<notice.{kind}.{seed}.{16 hex}@{domain}>`. */
export function noticeMessageId(kind: string, seed: number | string, domain: string, random: (bytes: number) => Buffer = randomBytes): string {
  return `<notice.${toIdText(kind)}.${toIdText(String(seed))}.${random(8).toString('hex')}@${domain}>`;
}

/** One report mail: `<report.{name}.{yyyymmddhhmm}.{16 hex}@{domain}>`, the slot in UTC. */
export function reportMessageId(name: string, scheduledFor: Date, domain: string, random: (bytes: number) => Buffer = randomBytes): string {
  const stamp = scheduledFor.toISOString().replace(/[-:T]/g, '').slice(0, 12);
  return `<report.${toIdText(name)}.${stamp}.${random(8).toString('hex')}@${domain}>`;
}

/** The thread of notices of one kind about one thing. */
export function noticeAnchorId(kind: string, key: string, domain: string): string {
  return `<notice.${toIdText(kind)}.${toIdText(key)}@${domain}>`;
}

export function incidentAnchorId(incidentId: string, domain: string): string {
  return `<incident.${toIdText(incidentId)}@${domain}>`;
}

export function threadHeadersOf(batch: readonly Notification[], domain: string): ThreadHeaders {
  const references = new Set<string>();
  let inReplyTo: string | undefined;
  for (const notification of batch) {
    if (notification.incident) {
      const anchor = incidentAnchorId(notification.incident.id, domain);
      references.add(anchor);
      if (inReplyTo === undefined && isFollowUp(notification)) inReplyTo = anchor;
    }
    for (const rider of notification.riders) references.add(incidentAnchorId(rider.id, domain));
  }
  return inReplyTo === undefined ? { references: [...references] } : { references: [...references], inReplyTo };
}

function isFollowUp(notification: Notification): boolean {
  return notification.type === 'reminder' || notification.type === 'resolved' || (notification.type === 'desk' && notification.desk?.kind !== 'opened');
}

/** Keeps a msg-id's left part to dot-atom characters, whatever a check is named. */
function toIdText(text: string): string {
  return text.replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, '-');
}
