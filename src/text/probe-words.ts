// The shape of one locale's wording of probe messages: one function per code, so the compiler
// checks that every locale words every code. Messages may nest (a sync side's own message), so a
// wording may word another message through wordWith.
import type { ProbeMessage, ProbeMessageCode, ProbeMessageParams } from '../probes/probe.ts';

export type ProbeWords = { readonly [C in ProbeMessageCode]: (params: ProbeMessageParams[C]) => string };

/** Words one message with a table; a code the table lacks (a newer version's) gives undefined. */
export function wordWith(words: ProbeWords, message: ProbeMessage): string | undefined {
  return Object.hasOwn(words, message.code) ? wordCode(words, message) : undefined;
}

function wordCode<C extends ProbeMessageCode>(words: ProbeWords, message: { readonly code: C; readonly params: ProbeMessageParams[C] }): string {
  return words[message.code](message.params);
}
