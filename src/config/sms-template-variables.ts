// The variables an SMS template may use: the config checks a template against them, the SMS
// channel fills them (alerting/sms/sms-template.ts).
export const SMS_TEMPLATE_VARIABLES = ['severity', 'system', 'check', 'since', 'status', 'reason', 'incident', 'link'] as const;
export type SmsTemplateVariable = (typeof SMS_TEMPLATE_VARIABLES)[number];

/** `{name}` in a template. */
export const SMS_PLACEHOLDER = /\{([^{}]*)\}/g;

/** The names in braces a template uses that are not variables (a config error). */
export function unknownTemplateVariables(template: string): string[] {
  const known: ReadonlySet<string> = new Set(SMS_TEMPLATE_VARIABLES);
  return [...template.matchAll(SMS_PLACEHOLDER)].map((match) => match[1]!).filter((name) => !known.has(name));
}
