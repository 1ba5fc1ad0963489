// Rules of the `objectives:` block that zod cannot say: exactly one of system and check, naming one
// that is configured; the target a percentage above 0 and at most 100; one objective per name.
import type { ConfigInput } from './schema.ts';
import { parseTarget } from './objective-config.ts';
import type { PathIssue } from './translate-zod-issues.ts';

export function findObjectiveIssues(input: ConfigInput): PathIssue[] {
  const issues: PathIssue[] = [];
  const checks = new Set(input.checks.map((check) => check.name));
  const systems = new Set(input.checks.map((check) => check.system));
  const seen = new Map<string, number>();
  (input.objectives ?? []).forEach((objective, index) => {
    const at = (key: string): PathIssue['path'] => ['objectives', index, key];
    if (objective.system !== undefined && objective.check !== undefined) {
      issues.push({ path: at('check'), at: 'key', message: 'give either "system" or "check", not both' });
    } else if (objective.system === undefined && objective.check === undefined) {
      issues.push({ path: ['objectives', index], at: 'value', message: 'needs "system" or "check": what the objective is for' });
    } else if (objective.check !== undefined && !checks.has(objective.check)) {
      issues.push({ path: at('check'), at: 'value', message: `no check named "${objective.check}"` });
    } else if (objective.system !== undefined && !systems.has(objective.system)) {
      issues.push({ path: at('system'), at: 'value', message: `no check has system "${objective.system}"` });
    } else {
      const key = objective.check !== undefined ? `check "${objective.check}"` : `system "${objective.system}"`;
      const first = seen.get(key);
      // One budget per name: the metric's label is the name.
      if (first !== undefined) {
        issues.push({
          path: at(objective.check !== undefined ? 'check' : 'system'),
          at: 'value',
          message: `a second objective for ${key} (also objectives[${first}])`,
        });
      } else seen.set(key, index);
    }
    const target = parseTarget(objective.target);
    if (target === undefined) {
      issues.push({ path: at('target'), at: 'value', message: `${JSON.stringify(objective.target)} is not a percentage; write e.g. "99.5%"` });
    } else if (target <= 0 || target > 100) {
      issues.push({ path: at('target'), at: 'value', message: `${JSON.stringify(objective.target)} must be above 0% and at most 100%` });
    }
  });
  return issues;
}
