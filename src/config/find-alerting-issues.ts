// Alerting rules that span fields: dependsOn and vantage name real checks and form no cycle,
// maintenance windows are well formed (end after start, a valid cron), and patterns match checks.
import cron from 'node-cron';
import { matchesCheckPattern } from './check-pattern.ts';
import type { Config } from './config.ts';
import type { ConfigInput } from './schema.ts';
import type { PathIssue } from './translate-zod-issues.ts';
import { isTimeZone } from './is-time-zone.ts';
import { findChannelIssues } from './find-channel-issues.ts';

export function findAlertingIssues(input: ConfigInput, config: Config): { issues: PathIssue[]; warnings: PathIssue[] } {
  const issues: PathIssue[] = [];
  const warnings: PathIssue[] = [];
  const names = new Set(config.checks.map((check) => check.name));

  input.checks.forEach((check, index) => {
    (check.kind === 'catalogue' ? [] : (check.dependsOn ?? [])).forEach((parent, position) => {
      const path = ['checks', index, 'dependsOn', position];
      if (parent === check.name) issues.push({ path, at: 'value', message: 'a check cannot depend on itself' });
      else if (!names.has(parent)) issues.push({ path, at: 'value', message: `no check named "${parent}"` });
    });
  });
  const cycle = findDependencyCycle(config);
  if (cycle) {
    const index = input.checks.findIndex((check) => check.name === cycle[0]);
    issues.push({ path: ['checks', index, 'dependsOn'], at: 'value', message: `dependsOn forms a cycle: ${cycle.join(' → ')}` });
  }

  const alerting = input.alerting;
  (alerting?.vantage ?? []).forEach((name, position) => {
    if (!names.has(name)) issues.push({ path: ['alerting', 'vantage', position], at: 'value', message: `no check named "${name}"` });
  });
  const windowNames = new Map<string, number>();
  (alerting?.maintenance ?? []).forEach((window, index) => {
    const first = windowNames.get(window.name);
    if (first !== undefined)
      issues.push({
        path: ['alerting', 'maintenance', index, 'name'],
        at: 'value',
        message: `duplicate window name "${window.name}" (also alerting.maintenance[${first}])`,
      });
    else windowNames.set(window.name, index);
    if ('cron' in window) {
      if (!cron.validate(window.cron))
        issues.push({
          path: ['alerting', 'maintenance', index, 'cron'],
          at: 'value',
          message: `"${window.cron}" is not a cron expression (minute hour day month weekday)`,
        });
      if (window.timezone !== undefined && !isTimeZone(window.timezone)) {
        issues.push({
          path: ['alerting', 'maintenance', index, 'timezone'],
          at: 'value',
          message: `unknown time zone "${window.timezone}"; e.g. Asia/Ho_Chi_Minh`,
        });
      }
    } else if (window.end.getTime() <= window.start.getTime()) {
      issues.push({ path: ['alerting', 'maintenance', index, 'end'], at: 'value', message: 'the window must end after it starts' });
    }
    (window.checks ?? []).forEach((pattern, position) => {
      if (!config.checks.some((check) => matchesCheckPattern(pattern, check.name))) {
        warnings.push({ path: ['alerting', 'maintenance', index, 'checks', position], at: 'value', message: `"${pattern}" matches no check` });
      }
    });
  });
  (alerting?.email?.routes ?? []).forEach((route, index) => {
    const pattern = route.match.check;
    if (pattern !== undefined && !config.checks.some((check) => matchesCheckPattern(pattern, check.name))) {
      warnings.push({ path: ['alerting', 'email', 'routes', index, 'match', 'check'], at: 'value', message: `"${pattern}" matches no check` });
    }
  });
  if (alerting?.email?.smtp && (alerting.email.to ?? []).length === 0 && (alerting.email.routes ?? []).length === 0) {
    issues.push({ path: ['alerting', 'email'], at: 'key', message: 'smtp is set but no recipients: add to: [address, …]' });
  }
  issues.push(...findChannelIssues(alerting));
  return { issues, warnings };
}

function findDependencyCycle(config: Config): string[] | undefined {
  const parents = new Map(config.checks.map((check) => [check.name, check.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...trail.slice(trail.indexOf(name)), name];
    state.set(name, 'visiting');
    for (const parent of parents.get(name) ?? []) {
      const found = visit(parent, [...trail, name]);
      if (found) return found;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const name of parents.keys()) {
    const found = visit(name, []);
    if (found) return found;
  }
  return undefined;
}
