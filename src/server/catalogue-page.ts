// /catalogue: each catalogue check's last crawl and counts, and every change and mismatch of its
// newest review, each code linking to the procedure's page on the portal when the check has
// `link`. Server-rendered, escaped, no external assets. The daemon hands in plain views.
import type { Locale } from '../config/alerting-config.ts';
import { escapeHtml } from '../text/escape-html.ts';
import { formatDateTime } from '../text/format-time.ts';
import { wordsFor, type CatalogueWords } from '../text/locale.ts';

export interface CatalogueView {
  readonly check: string;
  readonly status: 'ok' | 'warning' | 'critical';
  readonly lastCrawl?: { readonly at: Date; readonly outcome: 'complete' | 'failed' | 'busy'; readonly reason?: string };
  readonly snapshot?: { readonly at?: Date; readonly items: number; readonly otherItems?: number };
  readonly entries: readonly {
    readonly code: string;
    readonly kind: keyof CatalogueWords['kinds'];
    readonly field: string;
    readonly old: string;
    readonly new: string;
  }[];
  /** URL template with {{code}}. */
  readonly link?: string;
}

export function renderCataloguePage(views: readonly CatalogueView[], locale: Locale): string {
  const words = wordsFor(locale).catalogue;
  const text = escapeHtml;
  const at = (date: Date | undefined) => (date === undefined ? '—' : formatDateTime(date, locale));
  const section = (view: CatalogueView): string => {
    const crawl = view.lastCrawl;
    const lines = [
      `<h2>${text(view.check)} — <span class="${view.status}">${text(words.page.status[view.status])}</span></h2>`,
      '<dl>',
      `<dt>${text(words.page.lastCrawl)}</dt><dd>${crawl === undefined ? '—' : text(`${at(crawl.at)}: ${words.page.outcome[crawl.outcome]}${crawl.reason === undefined ? '' : ` (${crawl.reason})`}`)}</dd>`,
      `<dt>${text(words.page.snapshot)}</dt><dd>${view.snapshot === undefined ? '—' : text(`${at(view.snapshot.at)}: ${words.page.items(view.snapshot.items, view.snapshot.otherItems)}`)}</dd>`,
      '</dl>',
    ];
    if (view.entries.length === 0) return [...lines, `<p>${text(words.noChanges)}</p>`].join('\n');
    const head = [words.columns.code, words.columns.kind, words.columns.field, words.columns.old, words.columns.new]
      .map((name) => `<th>${text(name)}</th>`)
      .join('');
    const code = (value: string) =>
      view.link === undefined ? text(value) : `<a href="${text(view.link.replace('{{code}}', encodeURIComponent(value)))}" rel="noopener">${text(value)}</a>`;
    const rows = view.entries.map(
      (entry) =>
        `<tr><td>${code(entry.code)}</td><td>${text(words.kinds[entry.kind])}</td><td>${text(entry.field)}</td><td>${text(entry.old)}</td><td>${text(entry.new)}</td></tr>`,
    );
    return [...lines, `<table><thead><tr>${head}</tr></thead><tbody>`, ...rows, '</tbody></table>'].join('\n');
  };
  return [
    '<!doctype html>',
    `<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${text(words.page.title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;margin:1rem}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2rem .5rem;text-align:left;vertical-align:top}.warning{color:#a60}.critical{color:#b00}.ok{color:#070}</style>',
    '</head><body>',
    `<p><a href="/">${text(words.page.back)}</a></p>`,
    `<h1>${text(words.page.title)}</h1>`,
    ...(views.length === 0 ? [`<p>${text(words.page.none)}</p>`] : views.map(section)),
    '</body></html>',
    '',
  ].join('\n');
}
