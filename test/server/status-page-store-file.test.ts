// The status page says at the top, in red, when the store file was found deleted or replaced while
// running: what happened and when (local time), whether a fresh file holds everything again, and
// where a stranger found in its place went. Paths are escaped like every other text.
import { describe, expect, it } from 'vitest';
import { renderStatusPage, type StatusPageSnapshot, type StoreFileNotice } from '../../src/server/status-page.ts';

const NOW = '2026-12-02T09:10:00.000Z';

function snapshot(storeFile?: StoreFileNotice): StatusPageSnapshot {
  return {
    version: '0.1.0',
    startedAt: '2026-12-01T00:00:00.000Z',
    generatedAt: NOW,
    summary: { ok: 0, warning: 0, critical: 0, unknown: 0 },
    checks: [],
    incidents: [],
    ...(storeFile === undefined ? {} : { storeFile }),
  };
}

const alertOf = (html: string): string | undefined => /<p class="deadline-alert store-alert" role="alert">([^<]*)<\/p>/.exec(html)?.[1];

describe('status page: the store file lost while running', () => {
  it('shows nothing while the file is the one in use', () => {
    expect(alertOf(renderStatusPage(snapshot()))).toBeUndefined();
  });

  it('says a deleted file was written afresh, with the local time it was found', () => {
    const alert = alertOf(
      renderStatusPage(snapshot({ cause: 'deleted', foundAt: '2026-12-02T09:05:07.000Z', path: '/var/lib/dvc/sentinel.db', rewritten: true })),
    );
    expect(alert).toContain('Tệp dữ liệu /var/lib/dvc/sentinel.db đã bị xoá khi hệ thống đang chạy');
    expect(alert).toContain('16:05');
    expect(alert).toContain('đã được ghi vào một tệp mới');
  });

  it('says a replacement not yet repaired, where the stranger went, escaped, and in English with locale en', () => {
    const notice: StoreFileNotice = { cause: 'replaced', foundAt: NOW, path: '/data/<b>.db', rewritten: false, movedAside: '/data/<b>.db.replaced-x' };
    const vi = alertOf(renderStatusPage(snapshot(notice)))!;
    expect(vi).toContain('đã bị thay bằng một tệp khác');
    expect(vi).toContain('Chưa ghi được tệp mới');
    expect(vi).toContain('/data/&lt;b&gt;.db.replaced-x');
    const en = alertOf(renderStatusPage(snapshot(notice), 'en'))!;
    expect(en).toContain('was replaced by another file while running');
    expect(en).toContain('Do not restart now');
  });
});
