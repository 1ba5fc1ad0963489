// The resolved `alerting.sms:` list: defaults applied, durations in seconds, paths absolute.
import { resolve } from 'node:path';
import type { JsonPath } from './json-path.ts';
import type { SmsInput } from './sms-schema.ts';

export const SMS_DEFAULTS = {
  maxSegments: 1,
  method: 'POST',
  body: 'json',
  timeoutSeconds: 10,
  params: { phone: 'phone', text: 'text', sender: 'sender' },
} as const;

export interface SmsHttpVia {
  readonly kind: 'http';
  readonly url: string;
  readonly method: 'POST' | 'GET';
  readonly auth?:
    { readonly kind: 'header'; readonly name: string; readonly value: string } | { readonly kind: 'basic'; readonly user: string; readonly pass: string };
  readonly params: { readonly phone: string; readonly text: string; readonly sender: string };
  readonly sender?: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly body: 'json' | 'form';
  readonly timeoutSeconds: number;
  readonly accept?: { readonly path: JsonPath; readonly equals: string | number | boolean };
}

export interface SmsGammuVia {
  readonly kind: 'gammu';
  /** gammu-smsd's outboxpath (absolute). */
  readonly outbox: string;
}

/** An SMS channel's own settings (alerting-config.ts SmsChannelConfig adds name, routes and kind). */
export interface SmsSettings {
  readonly to: readonly string[];
  readonly template: string;
  readonly ascii: boolean;
  readonly maxSegments: number;
  readonly via: SmsHttpVia | SmsGammuVia;
}

export function resolveSms(input: readonly SmsInput[] | undefined) {
  return (input ?? []).map((channel) => ({
    kind: 'sms' as const,
    name: channel.name,
    routes: (channel.routes ?? []).map((route) => ({ match: route.match, ...(route.to ? { to: route.to } : {}) })),
    to: channel.to,
    template: channel.template,
    ascii: channel.ascii ?? false,
    maxSegments: channel.maxSegments ?? SMS_DEFAULTS.maxSegments,
    via: channel.via === 'gammu' ? { kind: 'gammu' as const, outbox: resolve(channel.outbox) } : httpVia(channel),
  }));
}

function httpVia(channel: Extract<SmsInput, { via: 'http' }>): SmsHttpVia {
  const auth = channel.auth;
  return {
    kind: 'http',
    url: channel.url,
    method: channel.method ?? SMS_DEFAULTS.method,
    auth: auth === undefined ? undefined : 'header' in auth ? { kind: 'header', ...auth.header } : { kind: 'basic', ...auth.basic },
    params: { ...SMS_DEFAULTS.params, ...channel.params },
    sender: channel.sender,
    fields: channel.fields ?? {},
    body: channel.body ?? SMS_DEFAULTS.body,
    timeoutSeconds: channel.timeout ?? SMS_DEFAULTS.timeoutSeconds,
    accept: channel.accept,
  };
}
