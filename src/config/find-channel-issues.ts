// Named channels across kinds: one name each (it is the `channel` label and what an escalation step
// names), never a built-in channel's name; a route's maintenance window exists; a Zalo channel
// has somewhere to send.
import type { AlertingInput } from './alerting-schema.ts';
import type { PathIssue } from './translate-zod-issues.ts';

const RESERVED = new Set(['email', 'alertmanager']);

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
