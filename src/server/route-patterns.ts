// Paths with parameters in the route table: a key such as "/api/incidents/{id}/notes" matches any
// one path segment where "{id}" stands. The server looks a path up exactly first and only then
// among these patterns; a handler reads its parameters back with pathParameter().
import type { RouteMethods, Routes } from './routes-common.ts';

interface CompiledPattern {
  readonly expression: RegExp;
  readonly methods: RouteMethods;
}

// Compiled once per route table: the table is built at start-up and never changes afterwards.
const compiled = new WeakMap<Routes, readonly CompiledPattern[]>();
// And once per template: handlers read their parameters on every request.
const expressions = new Map<string, RegExp>();

function compile(template: string): RegExp {
  const known = expressions.get(template);
  if (known !== undefined) return known;
  const source = template
    .split(/(\{[a-zA-Z]+\})/)
    .map((part) => (/^\{[a-zA-Z]+\}$/.test(part) ? `(?<${part.slice(1, -1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const expression = new RegExp(`^${source}$`);
  expressions.set(template, expression);
  return expression;
}

/** The methods of the first pattern in the table that matches the path, if any. */
export function findPatternRoute(routes: Routes, pathname: string): RouteMethods | undefined {
  let patterns = compiled.get(routes);
  if (patterns === undefined) {
    patterns = [...routes].filter(([key]) => key.includes('{')).map(([key, methods]) => ({ expression: compile(key), methods }));
    compiled.set(routes, patterns);
  }
  return patterns.find((pattern) => pattern.expression.test(pathname))?.methods;
}

/** The decoded value standing at `{name}` of template in the path, or undefined when it does not match. */
export function pathParameter(template: string, pathname: string, name: string): string | undefined {
  const raw = compile(template).exec(pathname)?.groups?.[name];
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
