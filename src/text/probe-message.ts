// A probe result's message in a reader's locale: its code and parameters worded by the locale's
// table. A result without a code (an incident stored before codes existed, or a line not yet coded)
// keeps its English text. Plain text out: the surface escapes it.
import type { Locale } from '../config/alerting-config.ts';
import type { ProbeMessage } from '../probes/probe.ts';
import { wordsFor } from './locale.ts';
import { wordWith } from './probe-words.ts';

export function describeProbeMessage(detail: ProbeMessage | undefined, english: string, locale: Locale): string {
  // A code this version does not know (a store written by a newer one) falls back to the text.
  return (detail === undefined ? undefined : wordWith(wordsFor(locale).probe, detail)) ?? english;
}
