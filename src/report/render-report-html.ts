// The report as an HTML mail part that renders in any mail client: tables for layout, every style
// inline (clients drop <style> blocks and classes), no images, no scripts, no links to fetch. The
// per-hour strip per system is a row of coloured table cells. Every string from the config, the
// endpoints or the words goes through escapeHtml.
import { escapeHtml } from '../text/escape-html.ts';
import type { HourState, Report } from './report-model.ts';
import { viewReport, type Table } from './report-view.ts';

const FONT = 'font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1a1a1a';
const CELL = 'border:1px solid #c8c8c8;padding:4px 6px;vertical-align:top';
const HEAD_CELL = `${CELL};background:#eef1f5;font-weight:bold;text-align:left`;
const TABLE = 'border-collapse:collapse;margin:4px 0 12px 0';

/** Colours of the strip's cells; the legend repeats them with words, so colour is never the only sign. */
export const HOUR_COLOURS: Readonly<Record<HourState, string>> = { up: '#2e7d32', down: '#c62828', excluded: '#9e9e9e', not_observed: '#e0e0e0' };

const VERDICT_COLOURS: Readonly<Record<Report['verdict'], string>> = { normal: '#2e7d32', degraded: '#b26a00', outage: '#c62828' };

export function renderReportHtml(report: Report): string {
  const view = viewReport(report);
  const e = escapeHtml;
  const parts: string[] = [];
  const heading = (text: string, number?: number) =>
    parts.push(`<h2 style="font-size:16px;margin:18px 0 6px 0">${number === undefined ? '' : `${number}. `}${e(text)}</h2>`);
  const list = (items: readonly string[]) =>
    parts.push(`<ul style="margin:4px 0 12px 0;padding-left:20px">${items.map((item) => `<li>${e(item)}</li>`).join('')}</ul>`);

  parts.push(`<!DOCTYPE html><html lang="${e(view.lang)}"><head><meta charset="utf-8"><title>${e(view.title)}</title></head>`);
  parts.push(`<body style="margin:0;padding:16px;background:#ffffff"><div style="${FONT};max-width:1100px">`);
  if (view.unit !== undefined) parts.push(`<p style="margin:0;font-weight:bold;text-transform:uppercase">${e(view.unit)}</p>`);
  parts.push(`<h1 style="font-size:20px;text-align:center;margin:16px 0 4px 0">${e(view.title)}</h1>`);
  parts.push(`<p style="text-align:center;font-weight:bold;margin:0 0 12px 0">${e(view.subtitle)}</p>`);
  if (view.late !== undefined) parts.push(`<p style="color:#c62828;font-weight:bold">${e(view.late)}</p>`);
  parts.push(`<p style="font-weight:bold;color:${VERDICT_COLOURS[view.verdictKind]}">${e(view.verdict)}</p>`);

  heading(view.sections.operation, 1);
  parts.push(`<h3 style="font-size:14px;margin:8px 0 4px 0">${e(view.bySystem)}</h3>`, table(view.systems));
  parts.push(`<h3 style="font-size:14px;margin:8px 0 4px 0">${e(view.byCheck)}</h3>`, table(view.checks));
  if (view.objectives !== undefined) {
    parts.push(`<h3 style="font-size:14px;margin:8px 0 4px 0">${e(view.objectives.heading)}</h3>`, table(view.objectives.table));
  }
  if (view.strips.length > 0) {
    parts.push(`<h3 style="font-size:14px;margin:8px 0 4px 0">${e(view.hoursHeading)}</h3>`, strips(view), legend(view));
  }

  heading(view.sections.incidents, 2);
  parts.push(view.incidents.rows.length === 0 ? `<p>${e(view.noIncidents)}</p>` : table(view.incidents));
  if (view.handling !== undefined) {
    parts.push(`<h3 style="font-size:14px;margin:8px 0 4px 0">${e(view.handling.heading)}</h3>`, table(view.handling.table));
    if (view.handling.notes.length > 0) {
      parts.push(`<h3 style="font-size:14px;margin:8px 0 4px 0">${e(view.handling.notesHeading)}</h3>`);
      list(view.handling.notes);
    }
  }
  heading(view.sections.causes, 3);
  if (view.causes.length === 0) parts.push(`<p>${e(view.noIncidents)}</p>`);
  else list(view.causes);
  heading(view.sections.results, 4);
  list(view.results);
  heading(view.sections.proposals, 5);
  list(view.proposals);
  heading(view.sections.maintenance);
  list(view.maintenance);
  if (view.catalogue !== undefined) {
    heading(view.catalogue.heading);
    for (const { check, table: rows } of view.catalogue.tables) parts.push(`<h3 style="font-size:14px;margin:8px 0 4px 0">${e(check)}</h3>`, table(rows));
  }

  parts.push(`<div style="border-top:1px solid #c8c8c8;margin-top:18px;padding-top:8px;font-size:12px;color:#444444">`);
  parts.push(`<p style="font-weight:bold;margin:0 0 4px 0">${e(view.sections.rules)}</p>`);
  list(view.rules);
  if (view.signer !== undefined) parts.push(`<p style="text-align:right;font-weight:bold;font-size:14px;color:#1a1a1a">${e(view.signer)}</p>`);
  parts.push(`<p style="margin:8px 0 0 0">${e(view.generated)}</p></div>`);
  parts.push('</div></body></html>');
  return parts.join('\n');
}

function table({ header, rows }: Table): string {
  const head = `<tr>${header.map((title) => `<th style="${HEAD_CELL}">${escapeHtml(title)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td style="${CELL}">${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
  return `<table cellpadding="0" cellspacing="0" style="${TABLE}">${head}${body}</table>`;
}

/** One row per system: its name, then one coloured cell per hour with the hour above every sixth. */
function strips(view: ReturnType<typeof viewReport>): string {
  const first = view.strips[0]!.cells;
  const ruler = first
    .map((cell) => `<td style="font-size:10px;color:#666666;padding:0;width:14px">${Number(cell.hour) % 6 === 0 ? escapeHtml(cell.hour) : ''}</td>`)
    .join('');
  const rows = view.strips.map(
    (strip) =>
      `<tr><td style="padding:0 8px 0 0;white-space:nowrap">${escapeHtml(strip.system)}</td>${strip.cells
        .map(
          (cell) =>
            `<td title="${escapeHtml(cell.title)}" style="background:${HOUR_COLOURS[cell.state]};width:14px;height:18px;padding:0;border:1px solid #ffffff">&nbsp;</td>`,
        )
        .join('')}</tr>`,
  );
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:4px 0"><tr><td></td>${ruler}</tr>${rows.join('')}</table>`;
}

function legend(view: ReturnType<typeof viewReport>): string {
  const items = (Object.keys(HOUR_COLOURS) as HourState[]).map(
    (state) =>
      `<td style="background:${HOUR_COLOURS[state]};width:14px;height:14px;padding:0;border:1px solid #ffffff">&nbsp;</td><td style="padding:0 12px 0 4px;font-size:12px">${escapeHtml(view.hourStates[state])}</td>`,
  );
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:4px 0 12px 0"><tr><td style="padding:0 8px 0 0;font-size:12px">${escapeHtml(view.hoursLegend)}</td>${items.join('')}</tr></table>`;
}
