// The report as plain text: the mail's text part, and `report --format text` in a terminal. The
// same view as the HTML part (report-view.ts), laid out as numbered sections and aligned tables.
import type { HourState } from './report-model.ts';
import { viewReport, type Table } from './report-view.ts';

/** One character per hour in the text strip. */
const HOUR_MARK: Readonly<Record<HourState, string>> = { up: '.', down: 'X', excluded: 'M', not_observed: '?' };

export function renderReportText(report: Parameters<typeof viewReport>[0]): string {
  const view = viewReport(report);
  const lines: string[] = [];
  const heading = (number: number | undefined, text: string) => lines.push('', number === undefined ? text.toUpperCase() : `${number}. ${text.toUpperCase()}`);
  const bullets = (items: readonly string[]) => lines.push(...items.map((item) => `- ${item}`));

  if (view.unit !== undefined) lines.push(view.unit.toUpperCase());
  lines.push(view.title, view.subtitle, '');
  if (view.late !== undefined) lines.push(view.late);
  lines.push(view.verdict);

  heading(1, view.sections.operation);
  lines.push(`${view.bySystem}:`, ...table(view.systems), '', `${view.byCheck}:`, ...table(view.checks));
  if (view.objectives !== undefined) lines.push('', `${view.objectives.heading}:`, ...table(view.objectives.table));
  if (view.strips.length > 0) {
    const legend = (Object.keys(HOUR_MARK) as HourState[]).map((state) => `${HOUR_MARK[state]} ${view.hourStates[state]}`).join(', ');
    const width = Math.max(...view.strips.map((strip) => strip.system.length));
    lines.push('', `${view.hoursHeading}. ${view.hoursLegend} ${legend}.`);
    const first = view.strips[0]!.cells;
    // Hour numbers above the marks every six hours: "00    06    12    18".
    const ruler = first.map(() => ' ');
    first.forEach((cell, index) => {
      if (Number(cell.hour) % 6 === 0 && index + 1 < first.length) [ruler[index], ruler[index + 1]] = [cell.hour[0]!, cell.hour[1]!];
    });
    lines.push(`${' '.repeat(width)}  ${ruler.join('')}`.trimEnd());
    for (const strip of view.strips) lines.push(`${strip.system.padEnd(width)}  ${strip.cells.map((cell) => HOUR_MARK[cell.state]).join('')}`);
  }

  heading(2, view.sections.incidents);
  if (view.incidents.rows.length === 0) lines.push(view.noIncidents);
  else lines.push(...table(view.incidents));
  if (view.handling !== undefined) {
    lines.push('', `${view.handling.heading}:`, ...table(view.handling.table));
    if (view.handling.notes.length > 0) {
      lines.push('', `${view.handling.notesHeading}:`);
      bullets(view.handling.notes);
    }
  }
  heading(3, view.sections.causes);
  bullets(view.causes.length === 0 ? [view.noIncidents] : view.causes);
  heading(4, view.sections.results);
  bullets(view.results);
  heading(5, view.sections.proposals);
  bullets(view.proposals);
  heading(undefined, view.sections.maintenance);
  bullets(view.maintenance);
  if (view.catalogue !== undefined) {
    heading(undefined, view.catalogue.heading);
    for (const { check, table: rows } of view.catalogue.tables) lines.push(`${check}:`, ...table(rows), '');
  }
  heading(undefined, view.sections.rules);
  bullets(view.rules);
  lines.push('');
  if (view.signer !== undefined) lines.push(view.signer, '');
  lines.push(view.generated);
  return `${lines.join('\n')}\n`;
}

/** Columns padded to their widest cell, two spaces apart. */
function table({ header, rows }: Table): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}
