import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { call, NOW, serveDesk } from './desk-harness.ts';

const OPERATOR = 'operator:Nguyễn Văn An';
const VIEWER = 'viewer:pc06';
const SCRIPT = '<script>alert(1)</script>';

interface IncidentJson {
  id: string;
  check: string;
  system: string;
  state: string;
  origin: string;
  startedAt: string;
  endedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  reportedBy?: string | null;
  title?: string;
  notes: { author: string | null; at: string; cause?: string; plan?: string; expectedFixAt?: string; result?: string; text?: string; notify: boolean }[];
}

const PEOPLE = {
  title: 'VNeID tổ chức không đăng nhập được',
  system: 'vneid',
  severity: 'critical',
  description: 'TTPVHCC xã Mỹ Hòa Hưng',
  reportedBy: 'Trần Thị Bình',
};

// Every write the API takes, with a body it would accept.
const WRITES: { name: string; method: 'POST' | 'DELETE'; path: string; json?: unknown }[] = [
  { name: 'open', method: 'POST', path: '/api/incidents', json: PEOPLE },
  { name: 'acknowledge', method: 'POST', path: '/api/incidents/inc-1/acknowledge', json: {} },
  { name: 'note', method: 'POST', path: '/api/incidents/inc-1/notes', json: { cause: 'DNS' } },
  { name: 'resolve', method: 'POST', path: '/api/incidents/inc-1/resolve', json: {} },
  { name: 'maintenance.start', method: 'POST', path: '/api/maintenance', json: { name: 'cut-over' } },
  { name: 'maintenance.end (DELETE)', method: 'DELETE', path: '/api/maintenance/m1' },
  { name: 'maintenance.end (form twin)', method: 'POST', path: '/api/maintenance/m1/end', json: {} },
  { name: 'silence', method: 'POST', path: '/api/silences', json: { system: 'dvcqg', for: '1h' } },
];

describe('who may write', () => {
  for (const write of WRITES) {
    it(`${write.name}: anonymous → 401 with a Basic challenge, viewer → 403, and the desk is never called`, async () => {
      const server = await serveDesk();
      server.desk.addProbeIncident('inc-1');
      const anonymous = await call(`${server.url}${write.path}`, { method: write.method, json: write.json });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Basic realm="dvc-sentinel"');
      expect(anonymous.json()).toEqual({ error: 'authentication required' });
      const none = await call(`${server.url}${write.path}`, { method: write.method, json: write.json, as: 'none' });
      expect(none.status).toBe(401);
      const viewer = await call(`${server.url}${write.path}`, { method: write.method, json: write.json, as: VIEWER });
      expect(viewer.status).toBe(403);
      expect(server.desk.calls).toEqual([]);
    });
  }

  it('the audit log is for operators and admins only', async () => {
    const server = await serveDesk();
    expect((await call(`${server.url}/api/audit`)).status).toBe(401);
    expect((await call(`${server.url}/api/audit`, { as: VIEWER })).status).toBe(403);
    expect((await call(`${server.url}/api/audit`, { as: 'admin:root' })).status).toBe(200);
  });

  it('reads need a role: anonymous viewers read, access.anonymous none gets 401', async () => {
    const server = await serveDesk();
    expect((await call(`${server.url}/api/incidents`)).status).toBe(200);
    expect((await call(`${server.url}/api/incidents`, { as: 'none' })).status).toBe(401);
  });
});

describe('incidents', () => {
  it('lists open incidents by default and all with state=all, filtered by since', async () => {
    const server = await serveDesk();
    server.desk.addProbeIncident('inc-1');
    server.desk.addProbeIncident('inc-old', { openedAt: new Date('2026-12-01T00:00:00Z'), resolvedAt: new Date('2026-12-01T01:00:00Z') });
    const open = await call(`${server.url}/api/incidents`);
    expect(open.json<{ incidents: IncidentJson[] }>().incidents.map((incident) => incident.id)).toEqual(['inc-1']);
    const all = await call(`${server.url}/api/incidents?state=all`);
    expect(all.json<{ incidents: IncidentJson[] }>().incidents.map((incident) => incident.id)).toEqual(['inc-1', 'inc-old']);
    const since = await call(`${server.url}/api/incidents?state=all&since=2026-12-02T00:00`);
    expect(since.json<{ incidents: IncidentJson[] }>().incidents.map((incident) => incident.id)).toEqual(['inc-1']);
  });

  it('acknowledges with who and when, keeps notes as a history, and shows them in the incident', async () => {
    const server = await serveDesk();
    server.desk.addProbeIncident('inc-1');
    const ack = await call(`${server.url}/api/incidents/inc-1/acknowledge`, { as: OPERATOR, json: { note: 'đang kiểm tra' } });
    expect(ack.status).toBe(200);
    expect(server.desk.calls[0]).toEqual(['acknowledge', { user: 'Nguyễn Văn An', address: '127.0.0.1' }, 'inc-1', 'đang kiểm tra']);
    // No body at all is an acknowledgement without a note.
    expect((await call(`${server.url}/api/incidents/inc-1/acknowledge`, { as: OPERATOR, method: 'POST' })).status).toBe(200);
    const note = await call(`${server.url}/api/incidents/inc-1/notes`, {
      as: OPERATOR,
      json: { cause: 'Mất kết nối tới TTDLQG', plan: 'Chuyển tuyến dự phòng', expectedFixAt: '2026-12-03T16:30', notify: true },
    });
    expect(note.status).toBe(201);
    await call(`${server.url}/api/incidents/inc-1/notes`, { as: OPERATOR, json: { result: 'Đã chuyển tuyến', expectedFixAt: '2026-12-03T09:00:00Z' } });
    const shown = (await call(`${server.url}/api/incidents/inc-1`)).json<IncidentJson>();
    expect(shown).toMatchObject({
      id: 'inc-1',
      check: 'dvcqg-home',
      system: 'dvcqg',
      state: 'open',
      origin: 'probe',
      startedAt: NOW.toISOString(),
      endedAt: null,
      acknowledgedBy: 'Nguyễn Văn An',
      acknowledgedAt: NOW.toISOString(),
    });
    expect(shown.notes).toEqual([
      { id: expect.any(Number), author: 'Nguyễn Văn An', at: NOW.toISOString(), text: 'đang kiểm tra', notify: false },
      {
        id: expect.any(Number),
        author: 'Nguyễn Văn An',
        at: NOW.toISOString(),
        cause: 'Mất kết nối tới TTDLQG',
        plan: 'Chuyển tuyến dự phòng',
        // No offset: Vietnam time.
        expectedFixAt: '2026-12-03T09:30:00.000Z',
        notify: true,
      },
      {
        id: expect.any(Number),
        author: 'Nguyễn Văn An',
        at: NOW.toISOString(),
        result: 'Đã chuyển tuyến',
        expectedFixAt: '2026-12-03T09:00:00.000Z',
        notify: false,
      },
    ]);
  });

  it('opens a people-reported incident and resolves it by hand with a result', async () => {
    const server = await serveDesk();
    const opened = await call(`${server.url}/api/incidents`, { as: OPERATOR, json: PEOPLE });
    expect(opened.status).toBe(201);
    const incident = opened.json<IncidentJson>();
    expect(incident).toMatchObject({ origin: 'people', state: 'open', system: 'vneid', title: PEOPLE.title, reportedBy: 'Trần Thị Bình' });
    const resolved = await call(`${server.url}/api/incidents/${incident.id}/resolve`, { as: OPERATOR, json: { result: 'Đã cấp lại tài khoản' } });
    expect(resolved.status).toBe(200);
    expect(resolved.json<IncidentJson>()).toMatchObject({ state: 'resolved', endedAt: NOW.toISOString() });
    const again = await call(`${server.url}/api/incidents/${incident.id}/resolve`, { as: OPERATOR, json: {} });
    expect(again.status).toBe(409);
  });

  it('answers 404 for an unknown incident on every incident route', async () => {
    const server = await serveDesk();
    expect((await call(`${server.url}/api/incidents/nope`)).status).toBe(404);
    for (const path of ['acknowledge', 'notes', 'resolve']) {
      const answer = await call(`${server.url}/api/incidents/nope/${path}`, { as: OPERATOR, json: path === 'notes' ? { text: 'x' } : {} });
      expect(answer.status, path).toBe(404);
      expect(answer.json()).toHaveProperty('error');
    }
    expect((await call(`${server.url}/api/maintenance/nope`, { as: OPERATOR, method: 'DELETE' })).status).toBe(404);
  });
});

describe('paths with an id', () => {
  it('answers 405 with the allowed methods, and a HEAD like the GET', async () => {
    const server = await serveDesk();
    server.desk.addProbeIncident('inc-1');
    const wrong = await call(`${server.url}/api/incidents/inc-1/notes`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    expect((await call(`${server.url}/api/incidents/inc-1`, { method: 'DELETE' })).status).toBe(405);
    expect((await call(`${server.url}/api/incidents/inc-1/notes/extra`, { as: OPERATOR, json: { text: 'x' } })).status).toBe(404);
  });

  it('decodes the id', async () => {
    const server = await serveDesk();
    server.desk.addProbeIncident('tra cứu/hồ sơ');
    const answer = await call(`${server.url}/api/incidents/${encodeURIComponent('tra cứu/hồ sơ')}`);
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ id: 'tra cứu/hồ sơ' });
  });
});

describe('validation', () => {
  const cases: { name: string; path: string; json?: unknown; body?: string; field: string }[] = [
    { name: 'body not JSON', path: '/api/incidents/inc-1/notes', body: '{cause', field: 'body' },
    { name: 'body not an object', path: '/api/incidents/inc-1/notes', body: '[1]', field: 'body' },
    { name: 'expectedFixAt not a date', path: '/api/incidents/inc-1/notes', json: { expectedFixAt: 'mai' }, field: 'expectedFixAt' },
    { name: 'expectedFixAt on 30 February', path: '/api/incidents/inc-1/notes', json: { expectedFixAt: '2026-02-30T10:00' }, field: 'expectedFixAt' },
    { name: 'an empty note', path: '/api/incidents/inc-1/notes', json: {}, field: 'text' },
    { name: 'notify not a boolean', path: '/api/incidents/inc-1/notes', json: { text: 'x', notify: 'yes' }, field: 'notify' },
    { name: 'an unknown field', path: '/api/incidents/inc-1/notes', json: { text: 'x', expected_fix_at: '2026-12-03T10:00' }, field: 'expected_fix_at' },
    { name: 'severity unknown', path: '/api/incidents', json: { ...PEOPLE, severity: 'high' }, field: 'severity' },
    { name: 'title missing', path: '/api/incidents', json: { ...PEOPLE, title: undefined }, field: 'title' },
    { name: 'reportedBy blank', path: '/api/incidents', json: { ...PEOPLE, reportedBy: '  ' }, field: 'reportedBy' },
    { name: 'silence with no target', path: '/api/silences', json: { for: '1h' }, field: 'check' },
    { name: 'silence with no expiry', path: '/api/silences', json: { system: 'dvcqg' }, field: 'until' },
    { name: 'silence ending in the past', path: '/api/silences', json: { system: 'dvcqg', until: '2026-12-03T14:00' }, field: 'until' },
    { name: 'silence for a bad duration', path: '/api/silences', json: { system: 'dvcqg', for: 'soon' }, field: 'for' },
    { name: 'maintenance checks not a list', path: '/api/maintenance', json: { checks: 'dvcqg-*' }, field: 'checks' },
  ];
  for (const testCase of cases) {
    it(`${testCase.name} → 400 naming ${testCase.field}`, async () => {
      const server = await serveDesk();
      server.desk.addProbeIncident('inc-1');
      const answer = await call(`${server.url}${testCase.path}`, { as: OPERATOR, json: testCase.json, body: testCase.body, method: 'POST' });
      expect(answer.status).toBe(400);
      const body = answer.json<{ error: string; field: string }>();
      expect(body.field).toBe(testCase.field);
      expect(body.error).not.toBe('');
      expect(server.desk.calls).toEqual([]);
    });
  }

  it('refuses a bad list query with its field', async () => {
    const server = await serveDesk();
    // The desk gives at most 1000 audit entries: asking for more is refused, not cut short without a word.
    expect((await call(`${server.url}/api/audit?limit=1001`, { as: OPERATOR })).json()).toMatchObject({ field: 'limit' });
    expect((await call(`${server.url}/api/audit?limit=1000`, { as: OPERATOR })).status).toBe(200);
    expect((await call(`${server.url}/api/incidents?state=closed`)).json()).toMatchObject({ field: 'state' });
    expect((await call(`${server.url}/api/incidents?since=yesterday`)).json()).toMatchObject({ field: 'since' });
  });

  it('reads a JSON body sent as curl -d sends it (content-type urlencoded) as JSON, not as a form', async () => {
    const server = await serveDesk();
    server.desk.addProbeIncident('inc-1');
    // No form makes a body that begins with "{": a browser percent-encodes it (%7B).
    const post = (path: string, body: string) =>
      request(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-test-principal': encodeURI(OPERATOR) },
        body,
      });
    const noted = await post('/api/incidents/inc-1/notes', '{"cause":"Đứt cáp","notify":true}');
    expect(noted.statusCode).toBe(201);
    expect(await noted.body.json()).toMatchObject({ cause: 'Đứt cáp', notify: true });
    const acknowledged = await post('/api/incidents/inc-1/acknowledge', ' {"note":"Đã nhận"}');
    expect(acknowledged.statusCode).toBe(200);
    expect(await acknowledged.body.json()).toMatchObject({ acknowledgedBy: 'Nguyễn Văn An', notes: [{}, { text: 'Đã nhận' }] });
  });

  it('accepts an expected fix time in the past', async () => {
    const server = await serveDesk();
    server.desk.addProbeIncident('inc-1');
    const answer = await call(`${server.url}/api/incidents/inc-1/notes`, { as: OPERATOR, json: { expectedFixAt: '2026-12-01T08:00:00+07:00' } });
    expect(answer.status).toBe(201);
    expect(answer.json()).toMatchObject({ expectedFixAt: '2026-12-01T01:00:00.000Z' });
  });
});

describe('maintenance, silences and the audit log', () => {
  it('opens a maintenance window and closes it with DELETE; the audit log has both', async () => {
    const server = await serveDesk();
    const started = await call(`${server.url}/api/maintenance`, {
      as: OPERATOR,
      json: { name: 'Chuyển đổi TTDLQG', systems: ['dvcqg'], reason: 'cut-over', until: '2026-12-03T23:00' },
    });
    expect(started.status).toBe(201);
    const window = started.json<{ id: string; until: string; startedBy: string }>();
    expect(window).toMatchObject({ until: '2026-12-03T16:00:00.000Z', startedBy: 'Nguyễn Văn An' });
    const ended = await call(`${server.url}/api/maintenance/${window.id}`, { as: OPERATOR, method: 'DELETE' });
    expect(ended.status).toBe(200);
    expect(ended.json()).toMatchObject({ endedAt: NOW.toISOString(), endedBy: 'Nguyễn Văn An' });
    const audit = await call(`${server.url}/api/audit`, { as: OPERATOR });
    expect(audit.json<{ entries: unknown[] }>().entries).toEqual([
      { at: NOW.toISOString(), user: 'Nguyễn Văn An', address: '127.0.0.1', action: 'maintenance.end', target: window.id },
      { at: NOW.toISOString(), user: 'Nguyễn Văn An', address: '127.0.0.1', action: 'maintenance.start', target: window.id },
    ]);
  });

  it('refuses a window or a silence that names no configured check or system, naming the field', async () => {
    const server = await serveDesk({ known: () => ({ checks: ['dvcqg-home', 'dvcqg-search'], systems: ['dvcqg'] }) });
    const typo = await call(`${server.url}/api/maintenance`, { as: OPERATOR, json: { systems: ['dvcqq'] } });
    expect(typo.status).toBe(400);
    expect(typo.json()).toEqual({ error: 'no configured system is named "dvcqq"; configured: dvcqg', field: 'systems' });
    const pattern = await call(`${server.url}/api/maintenance`, { as: OPERATOR, json: { checks: ['sync-*'] } });
    expect(pattern.json()).toMatchObject({ field: 'checks' });
    const silence = await call(`${server.url}/api/silences`, { as: OPERATOR, json: { check: 'dvcqg-hme', for: '1h' } });
    expect(silence.json()).toMatchObject({ field: 'check' });
    expect((await call(`${server.url}/api/maintenance`, { as: OPERATOR, json: { checks: ['dvcqg-*'] } })).status).toBe(201);
    expect((await call(`${server.url}/api/silences`, { as: OPERATOR, json: { system: 'dvcqg', for: '1h' } })).status).toBe(201);
  });

  it('silences a system for a duration from now', async () => {
    const server = await serveDesk();
    const answer = await call(`${server.url}/api/silences`, { as: OPERATOR, json: { system: 'dvcqg', for: '90m', reason: 'nhà mạng bảo trì' } });
    expect(answer.status).toBe(201);
    expect(answer.json()).toMatchObject({ system: 'dvcqg', check: null, until: '2026-12-03T09:30:00.000Z', createdBy: 'Nguyễn Văn An' });
  });
});

describe('names and typed text', () => {
  it('hides people’s names from anonymous viewers when hideNames is set, never from logged-in ones', async () => {
    let hide = true;
    const server = await serveDesk({ hideNames: () => hide });
    const opened = (await call(`${server.url}/api/incidents`, { as: OPERATOR, json: PEOPLE })).json<IncidentJson>();
    await call(`${server.url}/api/incidents/${opened.id}/acknowledge`, { as: OPERATOR, json: { note: 'đã nhận' } });
    const anonymous = (await call(`${server.url}/api/incidents/${opened.id}`)).json<IncidentJson>();
    expect(anonymous).toMatchObject({ acknowledgedBy: null, reportedBy: null, acknowledgedAt: NOW.toISOString() });
    expect(anonymous.notes[0]).toMatchObject({ author: null, text: 'đã nhận' });
    expect(JSON.stringify(anonymous)).not.toContain('Nguyễn');
    expect(JSON.stringify((await call(`${server.url}/api/incidents`)).json())).not.toContain('Bình');
    await call(`${server.url}/api/maintenance`, { as: OPERATOR, json: { name: 'cut-over' } });
    await call(`${server.url}/api/silences`, { as: OPERATOR, json: { system: 'vneid', for: '1h' } });
    const maintenance = await call(`${server.url}/api/maintenance`);
    expect(maintenance.json()).toMatchObject({ maintenance: [{ name: 'cut-over', startedBy: null }] });
    const silences = await call(`${server.url}/api/silences`);
    expect(silences.json()).toMatchObject({ silences: [{ system: 'vneid', createdBy: null }] });
    const viewer = (await call(`${server.url}/api/incidents/${opened.id}`, { as: VIEWER })).json<IncidentJson>();
    expect(viewer.acknowledgedBy).toBe('Nguyễn Văn An');
    hide = false;
    expect((await call(`${server.url}/api/incidents/${opened.id}`)).json<IncidentJson>().acknowledgedBy).toBe('Nguyễn Văn An');
  });

  it('keeps <script> in every typed field inert in the JSON, and gives it back unchanged to a parser', async () => {
    const server = await serveDesk();
    const opened = (
      await call(`${server.url}/api/incidents`, {
        as: OPERATOR,
        json: { title: SCRIPT, system: SCRIPT, severity: 'warning', description: SCRIPT, reportedBy: SCRIPT },
      })
    ).json<IncidentJson>();
    await call(`${server.url}/api/incidents/${encodeURIComponent(opened.id)}/acknowledge`, { as: OPERATOR, json: { note: SCRIPT } });
    await call(`${server.url}/api/incidents/${encodeURIComponent(opened.id)}/notes`, {
      as: OPERATOR,
      json: { cause: SCRIPT, plan: SCRIPT, result: SCRIPT, text: SCRIPT },
    });
    const answer = await call(`${server.url}/api/incidents/${encodeURIComponent(opened.id)}`);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.text).not.toMatch(/[<>]/);
    const parsed = answer.json<IncidentJson>();
    expect([
      parsed.title,
      parsed.system,
      parsed.reportedBy,
      parsed.notes[0]!.text,
      parsed.notes[1]!.cause,
      parsed.notes[1]!.plan,
      parsed.notes[1]!.result,
    ]).toEqual(Array(7).fill(SCRIPT));
  });
});
