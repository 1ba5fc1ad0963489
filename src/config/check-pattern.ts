// Check-name patterns ("dvcqg-*") as used by maintenance windows and mail routes.

/** Whether `name` matches `pattern`, where * stands for any run of characters. */
export function matchesCheckPattern(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}
