import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FlowCheck } from '../../src/config/config.ts';
import { ConfigError, type ConfigIssue } from '../../src/config/config-error.ts';
import { loadConfig, loadConfigWithPositions } from '../../src/config/load-config.ts';
import { renderTemplate } from '../../src/probes/template.ts';

function load(text: string, env: NodeJS.ProcessEnv = {}): FlowCheck {
  return loadConfigWithPositions('flow.yaml', text, env).config.checks[0] as FlowCheck;
}

function issuesOf(text: string): readonly ConfigIssue[] {
  try {
    loadConfigWithPositions('flow.yaml', text, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('the config loaded, but it should be invalid');
}

const head = `checks:
  - name: provincial-login-flow
    kind: flow
    system: provincial
    steps:
`;

describe('kind: flow in the config', () => {
  it('loads the issue example: captures, a form with a secret, JSON expectations', () => {
    const check = load(
      `${head}      - name: discovery
        request: { url: "https://ssodvc.example.test/auth/realms/digo/.well-known/openid-configuration" }
        capture: { tokenUrl: "$.token_endpoint" }
      - name: token
        request: { method: POST, url: "{{tokenUrl}}", form: { grant_type: client_credentials, client_id: "dvc", client_secret: "\${SECRET}" } }
        capture: { token: "$.access_token" }
      - name: search
        request: { url: "https://apidvc.example.test/pa/dossier?code=1", headers: { Authorization: "Bearer {{token}}" } }
        expect: { status: [200], json: [{ path: "$.content", exists: true }] }
`,
      { SECRET: 's3' },
    );
    expect(check.steps.map((step) => [step.name, step.method, step.body?.kind])).toEqual([
      ['discovery', 'GET', undefined],
      ['token', 'POST', 'form'],
      ['search', 'GET', undefined],
    ]);
    expect(check.steps[2]!.headers.authorization!.source).toBe('Bearer {{token}}');
    expect(check.steps[0]!.captures).toEqual([{ name: 'tokenUrl', capture: { from: 'json', path: expect.objectContaining({ source: '$.token_endpoint' }) } }]);
  });

  it('refuses a name no earlier step captures, at its line', () => {
    const issues = issuesOf(`${head}      - name: token
        request: { url: "https://sso.example.test/token" }
        capture: { token: "$.access_token" }
      - name: search
        request:
          url: "https://api.example.test/search"
          headers: { Authorization: "Bearer {{tokne}}" }
`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 12, path: 'checks[0].steps[1].request.headers.Authorization' });
    expect(issues[0]!.message).toContain('{{tokne}} is not captured by an earlier step (captured so far: token)');
  });

  it('refuses a name the same step captures (it is not known before the step answers)', () => {
    const issues = issuesOf(`${head}      - name: token
        request: { url: "https://sso.example.test/token?t={{token}}" }
        capture: { token: "$.access_token" }
`);
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['checks[0].steps[0].request.url', expect.stringContaining('no step before captures anything')],
    ]);
  });

  it.each([
    [
      'a malformed template',
      `      - name: a\n        request: { url: "https://x.example.test/?m={{now | date}}" }\n`,
      'checks[0].steps[0].request.url',
      'needs a format',
    ],
    [
      'a URL that is not one',
      `      - name: a\n        request: { url: "ftp://x.example.test/" }\n`,
      'checks[0].steps[0].request.url',
      'must be an http:// or https:// URL',
    ],
    [
      'two steps of one name',
      `      - name: a\n        request: { url: "https://x.example.test/" }\n      - name: a\n        request: { url: "https://x.example.test/" }\n`,
      'checks[0].steps[1].name',
      'another step is already named "a"',
    ],
    [
      'finalUrl without followRedirects',
      `      - name: a\n        request: { url: "https://x.example.test/" }\n        expect: { finalUrl: "https://x.example.test/ok" }\n`,
      'checks[0].steps[0].expect.finalUrl',
      'needs followRedirects: true',
    ],
    [
      'a capture that is not a JSON path',
      `      - name: a\n        request: { url: "https://x.example.test/" }\n        capture: { t: "access_token" }\n`,
      'checks[0].steps[0].capture.t',
      'JSON path must start with "$": access_token; a capture is a JSON path',
    ],
    [
      'a bad regex',
      `      - name: a\n        request: { url: "https://x.example.test/" }\n        capture: { t: { regex: "(" } }\n`,
      'checks[0].steps[0].capture.t.regex',
      'must be a valid regular expression',
    ],
  ])('refuses %s', (_what, steps, path, message) => {
    const issues = issuesOf(`${head}${steps}`);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]!.path).toBe(path);
    expect(issues[0]!.message).toContain(message);
  });
});

describe('config/examples/login-flows.yaml', () => {
  const file = fileURLToPath(new URL('../../config/examples/login-flows.yaml', import.meta.url));
  const checks = loadConfig(file, {}).config.checks as FlowCheck[];

  it('asks the service-quality API for the current month in Vietnam time', () => {
    const step = checks.find((check) => check.name === 'service-quality-month')!.steps[0]!;
    if (step.body?.kind !== 'text') throw new Error('the example sends a text body');
    // 00:30 on 1 June 2026 in Vietnam: still May in UTC.
    const body = renderTemplate(step.body.template, { captures: new Map(), now: new Date('2026-05-31T17:30:00Z') });
    expect('text' in body && JSON.parse(body.text)).toEqual({ timeType: 'month', year: 2026, month: 6, departmentType: 'ADMINISTRATIVE_UNIT' });
  });

  it('wants the VNeID login chain through the SSO host, ending on the portal client id', () => {
    const step = checks.find((check) => check.name === 'vneid-login-redirect')!.steps[0]!;
    expect(step.followRedirects).toBe(true);
    expect(step.expect.redirects).toEqual(['sso.dancuquocgia.gov.vn']);
    const finalUrl = step.expect.finalUrl;
    if (finalUrl === undefined || !('pattern' in finalUrl)) throw new Error('the example matches the final URL by pattern');
    expect(
      finalUrl.pattern.test(
        'https://sso.dancuquocgia.gov.vn/auth?response_type=code&client_id=sso-c12-dvc-web&redirect_uri=https%3A%2F%2Fdichvucong.gov.vn%2Fsso&scope=openid',
      ),
    ).toBe(true);
    expect(finalUrl.pattern.test('https://sso.dancuquocgia.gov.vn/error?client_id=sso-c12-dvc-web-old')).toBe(false);
  });
});
