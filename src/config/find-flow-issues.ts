// Rules between the fields of a flow check, found when the config loads: unique step names, URLs
// that are URLs, and every `{{name}}` read by a step captured by an earlier one. zod prefixes the
// check's own path, so each issue points at the line of the field at fault.
import type { z } from 'zod';
import { compileJsonTemplate, compileTemplate, isLiteral, jsonTemplates, templateNames, type Template } from './template.ts';
import type { FlowCheckInput } from './schema.ts';
import { hasUrlCredentials, URL_CREDENTIALS_MESSAGE } from './schema-primitives.ts';

export function findFlowFieldIssues(check: FlowCheckInput, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string): void => {
    ctx.addIssue({ code: 'custom', path, message });
  };
  const seen = new Set<string>();
  const captured = new Set<string>();
  check.steps.forEach((step, index) => {
    const at = (...path: PropertyKey[]): PropertyKey[] => ['steps', index, ...path];
    if (seen.has(step.name)) issue(at('name'), `another step is already named "${step.name}"; step names must differ (a failure names its step)`);
    seen.add(step.name);

    const url = step.request.url;
    const head = url.parts[0];
    if (isLiteral(url) ? !/^https?:\/\/[^/]/i.test(url.source) || !URL.canParse(url.source) : typeof head === 'string' && !/^https?:\/\/./i.test(head)) {
      issue(at('request', 'url'), 'must be an http:// or https:// URL (or start with a {{captured}} URL)');
    } else if (hasUrlCredentials(url.source)) {
      issue(at('request', 'url'), URL_CREDENTIALS_MESSAGE);
    }
    const uses: { path: PropertyKey[]; template: Template }[] = [{ path: at('request', 'url'), template: url }];
    for (const [name, template] of Object.entries(step.request.headers ?? {})) uses.push({ path: at('request', 'headers', name), template });
    for (const [name, text] of Object.entries(step.request.form ?? {})) {
      const template = compiled(text, at('request', 'form', name), issue);
      if (template) uses.push({ path: at('request', 'form', name), template });
    }
    const body = step.request.body;
    if (typeof body === 'string') {
      const template = compiled(body, at('request', 'body'), issue);
      if (template) uses.push({ path: at('request', 'body'), template });
    } else if (body !== undefined) {
      try {
        for (const template of jsonTemplates(compileJsonTemplate(body))) uses.push({ path: at('request', 'body'), template });
      } catch (error) {
        issue(at('request', 'body'), (error as Error).message);
      }
    }
    if (body !== undefined && step.request.form !== undefined) issue(at('request', 'form'), 'a step sends either a body or a form, not both');

    for (const use of uses) {
      for (const name of templateNames(use.template)) {
        if (!captured.has(name)) {
          const known = [...captured].join(', ');
          issue(
            use.path,
            `{{${name}}} is not captured by an earlier step${known === '' ? ' (no step before captures anything)' : ` (captured so far: ${known})`}`,
          );
        }
      }
    }
    for (const key of ['finalUrl', 'redirects'] as const) {
      if (step.expect?.[key] !== undefined && step.followRedirects !== true) issue(at('expect', key), `expect.${key} needs followRedirects: true on the step`);
    }
    for (const name of Object.keys(step.capture ?? {})) {
      if (name === 'now') issue(at('capture', name), '"now" is the clock in templates; give the captured value another name');
      captured.add(name);
    }
  });
}

function compiled(text: string, path: PropertyKey[], issue: (path: PropertyKey[], message: string) => void): Template | undefined {
  try {
    return compileTemplate(text);
  } catch (error) {
    issue(path, (error as Error).message);
    return undefined;
  }
}
