// A probe result's message in a reader's locale: its code and parameters worded by the locale's
// table. A result without a code (an incident stored before codes existed, or a line not yet coded)
// keeps its English text. Plain text out: the surface escapes it.
import type { Locale } from '../config/alerting-config.ts';
import type { ProbeMessage, ProbeMessageCode, ProbeMessageParams } from '../probes/probe.ts';
import { wordsFor, type ProbeWords } from './locale.ts';

export function describeProbeMessage(detail: ProbeMessage | undefined, english: string, locale: Locale): string {
  const words = wordsFor(locale).probe;
  // A code this version does not know (a store written by a newer one) falls back to the text.
  if (detail === undefined || !Object.hasOwn(words, detail.code)) return english;
  return wordWith(words, detail);
}

function wordWith<C extends ProbeMessageCode>(words: ProbeWords, message: { readonly code: C; readonly params: ProbeMessageParams[C] }): string {
  return words[message.code](message.params);
}
