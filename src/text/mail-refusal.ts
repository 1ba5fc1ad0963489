// Reading a mail refusal's kind back from a notice's parameters (text, as every notice parameter),
// shared by the Vietnamese and English words.
import type { MailRefusalKind } from './locale.ts';

const KINDS: readonly MailRefusalKind[] = ['auth', 'refused', 'gave_up', 'recipients'];

/** An unknown value (a newer version's kind) reads as the plainest one. */
export function mailRefusalKindOf(value: string): MailRefusalKind {
  return (KINDS as readonly string[]).includes(value) ? (value as MailRefusalKind) : 'gave_up';
}

/** "máy chủ thư…" at the start of a title. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
