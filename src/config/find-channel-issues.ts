// Named channels across kinds: one name each (it is the `channel` label and what an escalation step
// names), never a built-in channel's name; a route's maintenance window exists; a webhook template
// names known fields and stays JSON when filled; a Zalo channel has somewhere to send.
import type { AlertingInput } from './alerting-schema.ts';
import { WEBHOOK_FIELDS, WEBHOOK_PLACEHOLDER } from './channel-schema.ts';
import type { PathIssue } from './translate-zod-issues.ts';

const RESERVED = new Set(['email', 'alertmanager']);
const FIELDS = new Set<string>(WEBHOOK_FIELDS);

interface Named {
  readonly name: string;
  readonly routes?: readonly { readonly match: { readonly maintenance?: string }; readonly to?: readonly string[] }[];
}

export function findChannelIssues(alerting: AlertingInput | undefined): PathIssue[] {
  const issues: PathIssue[] = [];
  const seen = new Map<string, string>();
  const windows = new Set((alerting?.maintenance ?? []).map((window) => window.name));
  const kinds: [string, readonly Named[]][] = [
    ['webhooks', alerting?.webhooks ?? []],
    ['zalo', alerting?.zalo ?? []],
    ['sms', alerting?.sms ?? []],
  ];
  for (const [key, channels] of kinds) {
    channels.forEach((channel, index) => {
      const path = ['alerting', key, index, 'name'];
      const first = seen.get(channel.name);
      if (RESERVED.has(channel.name)) issues.push({ path, at: 'value', message: `"${channel.name}" is a built-in channel; choose another name` });
      else if (first !== undefined) issues.push({ path, at: 'value', message: `duplicate channel name "${channel.name}" (also ${first})` });
      else seen.set(channel.name, `alerting.${key}[${index}]`);
      (channel.routes ?? []).forEach((route, position) => {
        const window = route.match.maintenance;
        if (window !== undefined && !windows.has(window))
          issues.push({
            path: ['alerting', key, index, 'routes', position, 'match', 'maintenance'],
            at: 'value',
            message: `no maintenance window named "${window}"`,
          });
      });
    });
  }
  (alerting?.webhooks ?? []).forEach((webhook, index) => {
    if (webhook.body === undefined) return;
    const path = ['alerting', 'webhooks', index, 'body', 'template'];
    const unknown = [...webhook.body.template.matchAll(WEBHOOK_PLACEHOLDER)].map((match) => match[1]!).filter((name) => !FIELDS.has(name));
    if (unknown.length > 0) issues.push({ path, at: 'value', message: `unknown placeholder {{${unknown[0]}}}; use one of ${WEBHOOK_FIELDS.join(', ')}` });
    else if ((webhook.body.encoding ?? 'json') === 'json' && !isJson(webhook.body.template.replace(WEBHOOK_PLACEHOLDER, 'x')))
      issues.push({ path, at: 'value', message: 'not JSON once filled: write each {{placeholder}} inside a JSON string, e.g. "{{check}}"' });
  });
  (alerting?.zalo ?? []).forEach((zalo, index) => {
    if ((zalo.chatIds ?? []).length === 0 && !(zalo.routes ?? []).some((route) => route.to !== undefined))
      issues.push({
        path: ['alerting', 'zalo', index],
        at: 'key',
        message: 'no chat to send to: add chatIds: [id, …] (the technician messages the bot first)',
      });
  });
  return issues;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
