import { describe, expect, it } from 'vitest';
import { call, CSRF, NOW, serveDesk } from './desk-harness.ts';

const OPERATOR = 'operator:Nguyễn Văn An';
const SCRIPT = '<script>alert(1)</script>';

function forms(html: string): string[] {
  return [...html.matchAll(/<form [^>]*action="([^"]+)"[^>]*>/g)].map((match) => match[1]!);
}

describe('the desk on the status page', () => {
  it('gives operators and admins every form, each posting to the API with the session’s CSRF token', async () => {
    const server = await serveDesk();
    server.desk.addProbeIncident('inc-1');
    server.desk.openIncident(
      { user: 'an', address: '127.0.0.1' },
      { title: 'VNeID', system: 'vneid', severity: 'critical', description: '', reportedBy: 'xã A' },
    );
    server.desk.startMaintenance({ user: 'an', address: '127.0.0.1' }, { name: 'cut-over' });
    for (const who of [OPERATOR, 'admin:root']) {
      const page = await call(`${server.url}/`, { as: who });
      expect(page.status).toBe(200);
      expect(forms(page.text).sort()).toEqual(
        [
          '/api/incidents',
          '/api/incidents/inc-1/acknowledge',
          '/api/incidents/inc-1/notes',
          '/api/incidents/people-1/acknowledge',
          '/api/incidents/people-1/notes',
          '/api/incidents/people-1/resolve',
          '/api/maintenance',
          '/api/maintenance/m2/end',
          '/api/silences',
        ].sort(),
      );
      const formTags = page.text.split('<form ').slice(1);
      for (const form of formTags) {
        expect(form).toMatch(/^method="post"/);
        expect(form).toContain(`<input type="hidden" name="_csrf" value="${CSRF}">`);
      }
      // The note form: the directive's fields, a local date-time and the mail-now checkbox.
      expect(page.text).toContain('name="cause"');
      expect(page.text).toContain('name="plan"');
      expect(page.text).toContain('<input type="datetime-local" name="expectedFixAt"');
      expect(page.text).toContain('name="result"');
      expect(page.text).toContain('<input type="checkbox" name="notify" value="on">');
      expect(page.text).toContain('Tiếp nhận');
      expect(page.text).not.toContain('<script');
    }
  });

  it('does not reload itself under an operator typing a note, and offers anonymous visitors the login form', async () => {
    const server = await serveDesk();
    const operator = await call(`${server.url}/`, { as: OPERATOR });
    expect(operator.text).not.toContain('http-equiv="refresh"');
    const anonymous = await call(`${server.url}/`, {});
    expect(anonymous.text).toContain('http-equiv="refresh"');
    expect(anonymous.text).toContain('<a href="/login">Đăng nhập</a>');
    expect(operator.text).not.toContain('href="/login"');
  });

  it('shows viewers and anonymous visitors no form, but the acknowledgement and the notes', async () => {
    const server = await serveDesk();
    server.desk.addProbeIncident('inc-1');
    await call(`${server.url}/api/incidents/inc-1/acknowledge`, { as: OPERATOR, json: {} });
    await call(`${server.url}/api/incidents/inc-1/notes`, { as: OPERATOR, json: { cause: 'Mất điện trạm', expectedFixAt: '2026-12-03T17:00' } });
    for (const who of [undefined, 'viewer:pc06']) {
      const page = await call(`${server.url}/`, who === undefined ? {} : { as: who });
      expect(forms(page.text)).toEqual([]);
      expect(page.text).not.toContain('_csrf');
      expect(page.text).toContain(`Đã tiếp nhận: Nguyễn Văn An lúc 03/12/2026 15:00:00`);
      expect(page.text).toContain('<dt>Nguyên nhân</dt><dd class="typed">Mất điện trạm</dd>');
      expect(page.text).toContain('<dt>Thời gian dự kiến hoàn thành</dt><dd class="typed">03/12/2026 17:00:00</dd>');
    }
  });

  it('hides names from anonymous visitors when hideNames is set', async () => {
    const server = await serveDesk({ hideNames: () => true });
    server.desk.addProbeIncident('inc-1');
    await call(`${server.url}/api/incidents/inc-1/acknowledge`, { as: OPERATOR, json: { note: 'đã nhận' } });
    await call(`${server.url}/api/incidents`, { as: OPERATOR, json: { title: 'VNeID', system: 'vneid', severity: 'warning', reportedBy: 'Trần Thị Bình' } });
    await call(`${server.url}/api/maintenance`, { as: OPERATOR, json: { name: 'cut-over' } });
    await call(`${server.url}/api/silences`, { as: OPERATOR, json: { system: 'vneid', for: '1h' } });
    const anonymous = await call(`${server.url}/`);
    expect(anonymous.text).toContain('Đã tiếp nhận lúc 03/12/2026 15:00:00');
    expect(anonymous.text).toContain('cut-over</span>');
    expect(anonymous.text).toContain('vneid — tắt thông báo đến 03/12/2026 16:00:00</li>');
    expect(anonymous.text).not.toContain('Nguyễn');
    expect(anonymous.text).not.toContain('Trần Thị');
    const viewer = await call(`${server.url}/`, { as: 'viewer:pc06' });
    expect(viewer.text).toContain('Nguyễn Văn An');
    expect(viewer.text).toContain('Trần Thị Bình');
  });
});

describe('the forms’ round trip', () => {
  it('acknowledges, adds a note from a phone form and comes back to the incident with 303', async () => {
    const server = await serveDesk();
    server.desk.addProbeIncident('inc-1');
    const ack = await call(`${server.url}/api/incidents/inc-1/acknowledge`, { as: OPERATOR, form: { _csrf: CSRF, note: '' } });
    expect(ack.status).toBe(303);
    expect(ack.headers.location).toBe('/#incident-inc-1');
    const note = await call(`${server.url}/api/incidents/inc-1/notes`, {
      as: OPERATOR,
      form: { _csrf: CSRF, cause: 'Đứt cáp', plan: '', expectedFixAt: '2026-12-03T18:30', result: '', text: '', notify: 'on' },
    });
    expect(note.status).toBe(303);
    expect(server.desk.calls).toEqual([
      ['acknowledge', { user: 'Nguyễn Văn An', address: '127.0.0.1' }, 'inc-1', undefined],
      ['addNote', { user: 'Nguyễn Văn An', address: '127.0.0.1' }, 'inc-1', { cause: 'Đứt cáp', expectedFixAt: new Date('2026-12-03T11:30:00Z') }, true],
    ]);
    const page = await call(`${server.url}/`, { as: OPERATOR });
    expect(page.text).toContain('Đã tiếp nhận: Nguyễn Văn An');
    expect(page.text).toContain('Đứt cáp');
    // Acknowledged: its form is gone, the note form stays.
    expect(forms(page.text)).not.toContain('/api/incidents/inc-1/acknowledge');
  });

  it('opens and resolves a people-reported incident, starts and ends maintenance, and silences, all from forms', async () => {
    const server = await serveDesk();
    const opened = await call(`${server.url}/api/incidents`, {
      as: OPERATOR,
      form: {
        _csrf: CSRF,
        title: 'Thanh toán trực tuyến lỗi',
        system: 'payment',
        severity: 'warning',
        description: 'Xã Bình Hòa',
        reportedBy: 'Cán bộ một cửa',
      },
    });
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/#incident-people-1');
    expect((await call(`${server.url}/`)).text).toContain('Thanh toán trực tuyến lỗi');
    const resolved = await call(`${server.url}/api/incidents/people-1/resolve`, { as: OPERATOR, form: { _csrf: CSRF, result: 'Đã khắc phục' } });
    expect(resolved.status).toBe(303);
    expect((await call(`${server.url}/`)).text).not.toContain('Thanh toán trực tuyến lỗi');

    const started = await call(`${server.url}/api/maintenance`, {
      as: OPERATOR,
      form: { _csrf: CSRF, name: 'Chuyển đổi', checks: 'dvcqg-home, dvcqg-api', systems: '', reason: '', until: '2026-12-04T06:00' },
    });
    expect(started.status).toBe(303);
    expect(server.desk.listMaintenance()[0]).toMatchObject({
      name: 'Chuyển đổi',
      checks: ['dvcqg-home', 'dvcqg-api'],
      systems: [],
      until: new Date('2026-12-03T23:00:00Z'),
    });
    const id = server.desk.listMaintenance()[0]!.id;
    expect((await call(`${server.url}/`)).text).toContain(`data-maintenance="${id}"`);
    const ended = await call(`${server.url}/api/maintenance/${id}/end`, { as: OPERATOR, form: { _csrf: CSRF } });
    expect(ended.status).toBe(303);
    expect((await call(`${server.url}/`)).text).not.toContain(`data-maintenance="${id}"`);

    const silenced = await call(`${server.url}/api/silences`, {
      as: OPERATOR,
      form: { _csrf: CSRF, check: '', system: 'vneid', until: '2026-12-03T20:00', reason: '' },
    });
    expect(silenced.status).toBe(303);
    expect(server.desk.listSilences()).toMatchObject([{ system: 'vneid', until: new Date('2026-12-03T13:00:00Z') }]);
    expect((await call(`${server.url}/`)).text).toContain('tắt thông báo đến 03/12/2026 20:00:00');
  });

  it('answers a refused form with a short Vietnamese page naming the field, not JSON', async () => {
    const server = await serveDesk();
    server.desk.addProbeIncident('inc-1');
    const bad = await call(`${server.url}/api/incidents/inc-1/notes`, { as: OPERATOR, form: { _csrf: CSRF, expectedFixAt: '31/12/2026' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(bad.text).toContain('Dữ liệu không hợp lệ ở trường &quot;expectedFixAt&quot;');
    expect(bad.text).toContain('<a href="/">Quay lại trang trạng thái</a>');
    const viewer = await call(`${server.url}/api/incidents/inc-1/acknowledge`, { as: 'viewer:pc06', form: { _csrf: CSRF } });
    expect(viewer.status).toBe(403);
    expect(viewer.text).toContain('không có quyền');
    const anonymous = await call(`${server.url}/api/incidents/inc-1/acknowledge`, { form: { note: 'x' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).toContain('Cần đăng nhập');
    // A browser would answer a Basic challenge with its own password dialog instead of this page.
    expect(anonymous.headers['www-authenticate']).toBeUndefined();
    const missing = await call(`${server.url}/api/incidents/nope/acknowledge`, { as: OPERATOR, form: { _csrf: CSRF } });
    expect(missing.status).toBe(404);
  });

  it('keeps <script> typed into every field inert on the page, for operators and visitors alike', async () => {
    const server = await serveDesk();
    server.desk.addProbeIncident('inc-1');
    const form = (fields: Record<string, string>) => ({ as: OPERATOR, form: { _csrf: CSRF, ...fields } });
    await call(`${server.url}/api/incidents`, form({ title: SCRIPT, system: SCRIPT, severity: 'critical', description: SCRIPT, reportedBy: SCRIPT }));
    await call(`${server.url}/api/incidents/inc-1/acknowledge`, form({ note: SCRIPT }));
    await call(`${server.url}/api/incidents/inc-1/notes`, form({ cause: SCRIPT, plan: SCRIPT, result: SCRIPT, text: SCRIPT }));
    await call(`${server.url}/api/maintenance`, form({ name: SCRIPT, checks: SCRIPT, systems: SCRIPT, reason: SCRIPT }));
    await call(`${server.url}/api/silences`, form({ check: SCRIPT, system: SCRIPT, until: '2026-12-03T20:00', reason: SCRIPT }));
    // Every form reached the desk (the fake keeps the acknowledgement's note as a note of its own).
    expect(server.desk.calls.map((entry) => entry[0])).toEqual(['openIncident', 'acknowledge', 'addNote', 'addNote', 'startMaintenance', 'silence']);
    for (const who of [OPERATOR, undefined]) {
      const page = (await call(`${server.url}/`, who === undefined ? {} : { as: who })).text;
      expect(page).not.toContain('<script');
      // Title, system, description, reporter, the ack note, four note fields, maintenance name, silence target.
      expect(page.split('&lt;script&gt;alert(1)&lt;/script&gt;').length - 1).toBeGreaterThanOrEqual(10);
    }
  });
});

describe('time on the page', () => {
  it('writes the desk’s times in Vietnam time', async () => {
    const server = await serveDesk();
    server.desk.addProbeIncident('inc-1');
    await call(`${server.url}/api/incidents/inc-1/acknowledge`, { as: OPERATOR, json: {} });
    expect(NOW.toISOString()).toBe('2026-12-03T08:00:00.000Z');
    expect((await call(`${server.url}/`)).text).toContain('lúc 03/12/2026 15:00:00');
  });
});
