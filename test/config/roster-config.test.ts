// The roster's and escalation's config mistakes, each reported at its line and column.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { escalationOnlyCandidates } from '../../src/config/roster-config.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sentinel-roster-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;

function write(text: string): string {
  count += 1;
  const file = join(scratch, `config-${count}.yaml`);
  writeFileSync(file, text);
  return file;
}

function issuesOf(text: string): readonly ConfigIssue[] {
  try {
    loadConfig(write(text), {});
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('the config loaded, but it should be invalid');
}

const CHECKS = `checks:
  - name: dvcqg-home
    system: national-portal
    kind: http
    url: https://dichvucong.gov.vn/
`;

describe('roster and escalation config', () => {
  it('loads a roster with a night shift, and steps sorted by after with unless defaulting to acknowledged', () => {
    const { config } = loadConfig(
      write(`alerting:
  escalation:
    - after: 30m
      notify: [Công an tỉnh PC06]
      unless: none
    - after: 10m
      notify: [onDuty, giamdoc@skhcn.angiang.gov.vn]
roster:
  organisations:
    - name: Công an tỉnh PC06
      focalPoints: [{ name: Trực ban PC06, phone: "+84296111222" }]
  shifts:
    - { name: ngày, from: "07:30", to: "17:00", people: [{ name: An, email: an@skhcn.angiang.gov.vn }] }
    - { name: đêm, from: "17:00", to: "07:30", people: [{ name: Cường, organisation: Công an tỉnh PC06 }] }
${CHECKS}`),
      {},
    );
    expect(config.alerting.escalation).toEqual([
      { afterSeconds: 600, notify: ['onDuty', 'giamdoc@skhcn.angiang.gov.vn'], unless: 'acknowledged' },
      { afterSeconds: 1800, notify: ['Công an tỉnh PC06'], unless: 'none' },
    ]);
    expect(config.alerting.roster?.shifts.map((shift) => [shift.name, shift.fromMinute, shift.toMinute])).toEqual([
      ['ngày', 450, 1020],
      ['đêm', 1020, 450],
    ]);
    // No named channels here; a step naming one makes it a candidate for escalations only.
    expect([...escalationOnlyCandidates({ ...config.alerting, webhooks: [{ name: 'Công an tỉnh PC06' }] })]).toEqual(['Công an tỉnh PC06']);
  });

  it('reports an unknown organisation at its line and column', () => {
    const issues = issuesOf(`roster:
  organisations: [{ name: VNPT }]
  shifts:
    - name: đêm
      from: "17:00"
      to: "07:30"
      people:
        - name: Cường
          organisation: MobiFone
${CHECKS}`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 9, column: 25, path: 'roster.shifts[0].people[0].organisation' });
    expect(issues[0]!.message).toContain('unknown organisation "MobiFone"; roster.organisations has "VNPT"');
  });

  it('reports overlapping shifts with the time both cover, and an empty one', () => {
    const issues = issuesOf(`roster:
  shifts:
    - { name: ngày, days: [mon], from: "07:00", to: "17:00", people: [{ name: An }] }
    - { name: đêm, days: [sun], from: "22:00", to: "07:30", people: [{ name: Cường }] }
    - { name: trống, from: "08:00", to: "08:00", people: [{ name: Bình }] }
${CHECKS}`);
    expect(issues.map((issue) => [issue.line, issue.path])).toEqual([
      [4, 'roster.shifts[1].from'],
      [5, 'roster.shifts[2].to'],
    ]);
    expect(issues[0]!.message).toContain('overlaps shift "ngày" (both cover mon 07:00, Asia/Ho_Chi_Minh)');
    expect(issues[1]!.message).toContain('the shift is empty');
  });

  it('reports an empty roster, an unknown escalation target, and onDuty without shifts', () => {
    const issues = issuesOf(`alerting:
  escalation:
    - after: 10m
      notify: [onDuty, ban-giam-doc]
    - after: 600s
      notify: [giamdoc@skhcn.angiang.gov.vn]
roster:
  shifts: []
${CHECKS}`);
    expect(issues.map((issue) => [issue.line, issue.path, issue.message])).toEqual([
      [4, 'alerting.escalation[0].notify[0]', expect.stringContaining('onDuty needs a roster with shifts')],
      [4, 'alerting.escalation[0].notify[1]', expect.stringContaining('"ban-giam-doc" is no e-mail address, named channel, onDuty or organisation')],
      [5, 'alerting.escalation[1].after', expect.stringContaining('another step has after 10m already')],
      [8, 'roster.shifts', expect.stringContaining('the roster has no shift')],
    ]);
  });

  it('reports a route naming an unknown organisation at its line', () => {
    const issues = issuesOf(`alerting:
  email:
    routes:
      - match: { system: national-portal }
        to: [onDuty, Công an tỉnh PC06, MobiFone]
roster:
  organisations: [{ name: Công an tỉnh PC06 }]
  shifts:
    - { name: cả ngày, from: "00:00", to: "12:00", people: [{ name: An }] }
${CHECKS}`);
    expect(issues.map((issue) => [issue.line, issue.path, issue.message])).toEqual([
      [5, 'alerting.email.routes[0].to[2]', expect.stringContaining('"MobiFone" is no e-mail address, onDuty or organisation of the roster')],
    ]);
  });
});
