// The report as a Word document laid out the way a Vietnamese administrative status report is
// (Decree 30/2020/NĐ-CP): issuing unit and national emblem lines, number and place-and-date, title,
// addressee, the numbered sections, recipients and signer, on A4 in Times New Roman 13 pt. The
// police's own form is not public, so the lines a province must match (place, number, addressee,
// recipients, signer's title) are options. Words come from src/text; the docx library escapes text.
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IBorderOptions,
  type ParagraphChild,
} from 'docx';
import type { Locale } from '../config/alerting-config.ts';
import { displaySystemName } from '../text/display-system-name.ts';
import { formatDuration } from '../text/format-duration.ts';
import { formatMilliseconds, formatNumber } from '../text/format-number.ts';
import { formatDate, formatDateTime } from '../text/format-time.ts';
import { wordsFor, type Words } from '../text/locale.ts';
import { probableCause } from '../text/probable-cause.ts';
import { toWallClock, VIETNAM_TIME_ZONE } from '../time-zone.ts';
import type { AvailabilityFigures, CheckFigures, LatencyFigures, Report, ReportIncident, SyncFigures } from './report-model.ts';
import { incidentName, objectiveTable } from './report-view.ts';

/** The lines a province sets to match the form its police expect. */
export interface DocxLayout {
  /** Before the date: "An Giang, ngày …". A dotted gap when absent, for the unit to write in. */
  readonly place?: string;
  /** The document number; blank by default (the unit's clerk assigns it). */
  readonly number?: string;
  /** After the slash: "BC-SKHCN". */
  readonly symbol?: string;
  /** "Kính gửi: …"; the locale's provincial police by default. */
  readonly addressee?: string;
  /** "Nơi nhận:" lines before "Lưu: VT"; "Như trên" by default. */
  readonly recipients?: readonly string[];
  /** The signer block's heading line; "NGƯỜI BÁO CÁO" by default. */
  readonly signerTitle?: string;
  /** The config's display names for system labels. */
  readonly systemNames?: Readonly<Record<string, string>>;
}

// Twips (1/20 pt, 1/1440 inch). A4 with Decree 30's margins: top and bottom 20 mm, left 30 mm, right 15 mm.
const MM = 56.7;
const PAGE = { width: 11_906, height: 16_838 };
const MARGIN = { top: Math.round(20 * MM), bottom: Math.round(20 * MM), left: Math.round(30 * MM), right: Math.round(15 * MM) };
const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const HEAD_LEFT = Math.round(TEXT_WIDTH * 0.4);
const HEAD_RIGHT = TEXT_WIDTH - HEAD_LEFT;
// Half-points: 13 pt body, 14 pt title, 12 pt emblem line, rules and recipients, 10 pt in the figure tables (ten columns on A4).
const BODY_SIZE = 26;
const TITLE_SIZE = 28;
const SMALL_SIZE = 24;
const TABLE_SIZE = 20;
const FONT = 'Times New Roman';
const DOTS = '……………';
const BLANK_NUMBER = '\u00a0'.repeat(8);

const LINE: IBorderOptions = { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 };
const GRID = { top: LINE, bottom: LINE, left: LINE, right: LINE, insideHorizontal: LINE, insideVertical: LINE };

interface Context {
  readonly report: Report;
  readonly locale: Locale;
  readonly words: Words;
  readonly layout: DocxLayout;
}

export async function renderReportDocx(report: Report, layout: DocxLayout = {}): Promise<Buffer> {
  const context: Context = { report, locale: report.locale, words: wordsFor(report.locale), layout };
  const words = context.words.report;
  const document = new Document({
    creator: 'dvc-sentinel',
    title: `${words.title} ${report.unit ?? ''}`.trim(),
    styles: { default: { document: { run: { font: FONT, size: BODY_SIZE } } } },
    sections: [
      {
        properties: { page: { size: PAGE, margin: MARGIN } },
        children: [
          heading(context),
          ...title(context),
          ...operation(context),
          ...incidents(context),
          ...causes(context),
          ...results(context),
          ...proposals(context),
          ...rules(context),
          foot(context),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

// Top of page: unit and number on the left, emblem lines and place-and-date on the right, each
// column's heading underlined by a short centred rule.
function heading({ report, words, layout }: Context): Table {
  const frame = words.report.frame;
  const unit = report.unit === undefined || report.unit.trim() === '' ? DOTS : report.unit;
  const wall = toWallClock(report.generatedAt, VIETNAM_TIME_ZONE);
  const top = [
    [centred([text(unit.toLocaleUpperCase('vi'), { bold: true })]), rule(HEAD_LEFT, 0.3)],
    [centred([text(frame.nation, { bold: true, size: SMALL_SIZE })]), centred([text(frame.motto, { bold: true })]), rule(HEAD_RIGHT, 0.42)],
  ];
  // Number and date share a row so they stand level whatever the unit's name wraps to.
  const dateLine = frame.placeAndDate(layout.place?.trim() || DOTS, {
    day: wall.day,
    month: wall.month,
    year: wall.year,
    formatted: formatDate(report.generatedAt, report.locale),
  });
  const bottom = [
    [centred([text(frame.number(layout.number?.trim() || BLANK_NUMBER, layout.symbol ?? 'BC'))], { before: 120 })],
    [centred([text(dateLine, { italics: true })], { before: 120 })],
  ];
  return frameTable([top, bottom], [HEAD_LEFT, HEAD_RIGHT]);
}

function title({ report, words, locale, layout }: Context): Paragraph[] {
  const subtitle = words.report.subtitle(formatDateTime(report.window.from, locale), formatDateTime(report.window.to, locale));
  const lines = [
    centred([text(words.report.title, { bold: true, size: TITLE_SIZE })], { before: 360 }),
    centred([text(subtitle, { bold: true })], { after: 240 }),
    centred([text(words.report.frame.addressee(layout.addressee?.trim() || words.report.frame.defaultAddressee))], { after: 240 }),
  ];
  if (report.lateFor !== undefined) lines.push(body([text(words.report.late(formatDateTime(report.lateFor, locale)), { italics: true })]));
  return lines;
}

// I. The verdict, the per-system and per-check tables, what counted neither way, and maintenance.
function operation(context: Context): (Paragraph | Table)[] {
  const { report, words, locale } = context;
  const reportWords = words.report;
  const columns = reportWords.columns;
  const figureHeads = [columns.availability, columns.downtime, columns.probes, columns.failures, columns.latencyP50, columns.latencyP95, columns.latencyMax];
  const systemRows = report.systems.map((system) => [
    systemName(context, system.name),
    ...availabilityCells(system, locale),
    formatNumber(system.probes, locale),
    formatNumber(system.failures, locale),
    ...latencyCells(system.latency, locale),
  ]);
  const uncounted = report.systems
    .filter((system) => system.excludedSeconds > 0 || system.notObservedSeconds > 0)
    .map((system) =>
      body([
        text(
          reportWords.frame.uncounted(
            systemName(context, system.name),
            formatDuration(system.excludedSeconds, locale),
            formatDuration(system.notObservedSeconds, locale),
          ),
        ),
      ]),
    );
  const checkHeads = [columns.check, ...figureHeads, columns.syncLag, columns.tlsDaysLeft, context.words.flapping.reportColumn];
  const checkWidths = [1200, 850, 800, 650, 550, 950, 950, 950, 1050, 750, 690];
  const checkRows: string[][] = [];
  const groupRows = new Set<number>();
  for (const system of systemsOf(report.checks)) {
    groupRows.add(checkRows.length);
    checkRows.push([systemName(context, system)]);
    for (const check of report.checks.filter((candidate) => candidate.system === system)) checkRows.push(checkCells(context, check));
  }
  return [
    sectionHeading('I', reportWords.sections.operation),
    body([text(reportWords.verdict[report.verdict])]),
    subHeading('1', reportWords.frame.bySystem),
    figureTable([columns.system, ...figureHeads], systemRows, [1755, 1000, 1100, 1000, 900, 1150, 1150, 1150]),
    ...uncounted,
    subHeading('2', reportWords.frame.byCheck),
    figureTable(checkHeads, checkRows, checkWidths, groupRows),
    ...objectives(context),
    subHeading(report.objectives?.length ? '4' : '3', reportWords.sections.maintenance),
    ...(report.maintenance.length === 0
      ? [body([text(reportWords.noMaintenance)])]
      : report.maintenance.map((span) =>
          bullet(
            `${span.name}: ${formatDateTime(span.from, locale)} – ${formatDateTime(span.to, locale)}${span.checks.length > 0 ? ` (${span.checks.join(', ')})` : ''}`,
          ),
        )),
  ];
}

/** I.3, when the config sets objectives: each over its period up to the window's end. */
function objectives(context: Context): (Paragraph | Table)[] {
  const { report, words, locale } = context;
  if (report.objectives === undefined || report.objectives.length === 0) return [];
  const { header, rows } = objectiveTable(report.objectives, locale, (label) => systemName(context, label));
  return [
    subHeading('3', words.report.objectives.heading),
    figureTable(
      header,
      rows.map((row) => [...row]),
      [1900, 1400, 1800, 1350, 1000, 1940],
    ),
  ];
}

// II. One row per incident of the window.
function incidents(context: Context): (Paragraph | Table)[] {
  const { report, words, locale } = context;
  const columns = words.report.columns;
  const heading = sectionHeading('II', words.report.sections.incidents);
  if (report.incidents.length === 0) return [heading, body([text(words.report.noIncidents)])];
  const rows = report.incidents.map((incident) => [
    `${incidentName(incident, locale)} (${systemName(context, incident.system)})`,
    formatDateTime(incident.startedAt, locale),
    incident.endedAt === undefined ? words.report.ongoing : formatDateTime(incident.endedAt, locale),
    formatDuration(incident.durationSeconds, locale),
    incident.people === undefined ? words.headline(incident.reason, undefined) : words.desk.reportedByPeople,
    incident.heldChecks.length === 0 ? '—' : incident.heldChecks.join(', '),
    formatNumber(incident.notificationsSent, locale),
  ]);
  return [
    heading,
    figureTable(
      [columns.check, columns.startedAt, columns.endedAt, columns.duration, columns.reason, columns.heldChecks, columns.notifications],
      rows,
      [1700, 1300, 1300, 1100, 1500, 1455, 1000],
    ),
    ...handling(context),
  ];
}

// The duty desk's part of II: how fast each system's incidents were taken and ended (medians).
function handling(context: Context): (Paragraph | Table)[] {
  const { report, words, locale } = context;
  if (report.handling === undefined || report.handling.length === 0) return [];
  const desk = words.desk.report;
  const duration = (seconds: number | undefined) => (seconds === undefined ? '—' : formatDuration(seconds, locale));
  return [
    body([text(`${desk.heading}:`, { bold: true })]),
    figureTable(
      [
        desk.columns.system,
        desk.columns.incidents,
        desk.columns.acknowledged,
        desk.columns.medianAcknowledge,
        desk.columns.resolved,
        desk.columns.medianResolve,
      ],
      report.handling.map((row) => [
        systemName(context, row.system),
        formatNumber(row.incidents, locale),
        formatNumber(row.acknowledged, locale),
        duration(row.medianAcknowledgeSeconds),
        formatNumber(row.resolved, locale),
        duration(row.medianResolveSeconds),
      ]),
      [1900, 1000, 1100, 1800, 1100, 1800],
    ),
  ];
}

/** What the duty desk wrote about the incident, after the monitor's own words: "; Nguyên nhân: …". */
function deskWords({ words, locale }: Context, incident: ReportIncident, fields: readonly ('cause' | 'plan' | 'expectedFixAt' | 'result')[]): string {
  const labels = words.desk.labels;
  const handling = incident.handling;
  if (handling === undefined) return '';
  const parts = fields.flatMap((field) => {
    const value = handling[field];
    if (value === undefined) return [];
    return [`${labels[field]}: ${value instanceof Date ? formatDateTime(value, locale) : value}`];
  });
  return parts.length === 0 ? '' : ` ${parts.join('; ')}.`;
}

// III. What the monitor can say of each incident's cause; the unit completes it.
function causes(context: Context): Paragraph[] {
  const { report, words, locale } = context;
  return [
    sectionHeading('III', words.report.sections.causes),
    ...report.incidents.map((incident) =>
      bullet(
        `${incidentName(incident, locale)}: ${incident.people === undefined ? `${probableCause(incident.reason, {}, undefined, locale)}.` : incident.people.description}` +
          deskWords(context, incident, ['cause', 'plan', 'expectedFixAt']),
      ),
    ),
    body([text(words.report.frame.fillIn, { italics: true })]),
  ];
}

// IV. Restored or still going on, per incident; the unit adds what was done.
function results(context: Context): Paragraph[] {
  const { report, words, locale } = context;
  const frame = words.report.frame;
  const line = (incident: ReportIncident): string =>
    incident.endedAt === undefined
      ? frame.stillOngoing(incidentName(incident, locale), formatDateTime(incident.startedAt, locale))
      : frame.restored(incidentName(incident, locale), formatDateTime(incident.endedAt, locale), formatDuration(incident.durationSeconds, locale));
  return [
    sectionHeading('IV', words.report.sections.results),
    ...report.incidents.map((incident) => bullet(`${line(incident)}${deskWords(context, incident, ['result'])}`)),
    body([text(frame.fillIn, { italics: true })]),
  ];
}

function proposals({ words }: Context): Paragraph[] {
  return [sectionHeading('V', words.report.sections.proposals), body([text(words.report.frame.fillIn, { italics: true })])];
}

function rules({ words }: Context): Paragraph[] {
  return [
    new Paragraph({
      spacing: { before: 240 },
      keepNext: true,
      children: [text(`${words.report.sections.rules}:`, { bold: true, italics: true, size: SMALL_SIZE })],
    }),
    ...words.report.rules.map(
      (rule) => new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 567 }, children: [text(rule, { italics: true, size: SMALL_SIZE })] }),
    ),
  ];
}

// Foot of the document: recipients on the left, the signer's block on the right.
function foot({ report, words, layout }: Context): Table {
  const frame = words.report.frame;
  const recipients = [...(layout.recipients ?? [frame.asAbove])];
  const left = [
    new Paragraph({ children: [text(frame.recipients, { bold: true, italics: true, size: SMALL_SIZE })] }),
    ...recipients.map((recipient) => new Paragraph({ children: [text(`- ${recipient};`, { size: 22 })] })),
    new Paragraph({ children: [text(`- ${frame.archive}.`, { size: 22 })] }),
  ];
  const right = [
    centred([text(layout.signerTitle?.trim() || frame.signerTitle, { bold: true })]),
    centred([text(frame.signHint, { italics: true })]),
    centred([text(report.signer?.trim() || '', { bold: true })], { before: 1440 }),
  ];
  const widths = [Math.round(TEXT_WIDTH * 0.45), TEXT_WIDTH - Math.round(TEXT_WIDTH * 0.45)];
  return frameTable([[left, right]], widths, 360);
}

function checkCells(context: Context, check: CheckFigures): string[] {
  const { locale } = context;
  return [
    check.name,
    ...availabilityCells(check, locale),
    formatNumber(check.probes, locale),
    formatNumber(check.failures, locale),
    ...latencyCells(check.latency, locale),
    syncCell(context, check.sync),
    check.tlsDaysLeft === undefined ? '—' : formatNumber(check.tlsDaysLeft, locale),
    formatNumber(check.flaps, locale),
  ];
}

function availabilityCells(figures: AvailabilityFigures, locale: Locale): string[] {
  // Two decimals: the report's figures are defended to 0.01 %.
  const percent = figures.availabilityPercent === undefined ? '—' : `${formatNumber(figures.availabilityPercent, locale, 2)}%`;
  return [percent, formatDuration(figures.downSeconds, locale)];
}

function latencyCells(latency: LatencyFigures, locale: Locale): string[] {
  const cell = (seconds: number | undefined): string => (seconds === undefined ? '—' : formatMilliseconds(seconds * 1000, locale));
  return [cell(latency.p50), cell(latency.p95), cell(latency.max)];
}

function syncCell({ words, locale }: Context, sync: SyncFigures | undefined): string {
  if (sync?.lagMax === undefined) return '—';
  const lag = sync.unit === 'seconds' ? formatDuration(sync.lagMax, locale) : words.page.syncItems(formatNumber(sync.lagMax, locale));
  return sync.backlogMax === undefined ? lag : `${lag}; ${words.page.syncBacklog(formatNumber(sync.backlogMax, locale))}`;
}

function systemsOf(checks: readonly CheckFigures[]): string[] {
  return [...new Set(checks.map((check) => check.system))];
}

function systemName({ locale, layout }: Context, label: string): string {
  return displaySystemName(label, locale, layout.systemNames);
}

function text(value: string, style: { bold?: boolean; italics?: boolean; size?: number } = {}): TextRun {
  return new TextRun({ text: value, font: FONT, ...style });
}

function centred(children: ParagraphChild[], spacing: { before?: number; after?: number } = {}): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, spacing, children });
}

function body(children: ParagraphChild[]): Paragraph {
  return new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 567 }, spacing: { before: 60, after: 60 }, children });
}

function bullet(value: string): Paragraph {
  return body([text(`- ${value}`)]);
}

function sectionHeading(number: string, value: string): Paragraph {
  return new Paragraph({
    keepNext: true,
    indent: { firstLine: 567 },
    spacing: { before: 240, after: 120 },
    children: [text(`${number}. ${value.toLocaleUpperCase('vi')}`, { bold: true })],
  });
}

function subHeading(number: string, value: string): Paragraph {
  return new Paragraph({
    keepNext: true,
    indent: { firstLine: 567 },
    spacing: { before: 120, after: 120 },
    children: [text(`${number}. ${value}`, { bold: true })],
  });
}

/** A short centred rule under a heading: a bottom border between indents that leave `share` of the column. */
function rule(columnWidth: number, share: number): Paragraph {
  const indent = Math.round((columnWidth * (1 - share)) / 2);
  return new Paragraph({ indent: { left: indent, right: indent }, spacing: { after: 0 }, border: { bottom: LINE }, children: [text('', { size: 4 })] });
}

/** Borderless rows of two columns side by side: the heading and the foot of the page. */
function frameTable(rows: readonly (readonly Paragraph[][])[], widths: readonly number[], before = 0): Table {
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [...widths],
    layout: TableLayoutType.FIXED,
    borders: TableBorders.NONE,
    rows: rows.map(
      (columns, rowIndex) =>
        new TableRow({
          children: columns.map(
            (children, index) =>
              new TableCell({
                width: { size: widths[index] ?? 0, type: WidthType.DXA },
                margins: { top: rowIndex === 0 ? before : 0 },
                children: children.length > 0 ? children : [new Paragraph('')],
              }),
          ),
        }),
    ),
  });
}

/** A gridded table with a repeated bold heading row; rows in `groups` span the table as a group title. */
function figureTable(heads: readonly string[], rows: readonly string[][], widths: readonly number[], groups: ReadonlySet<number> = new Set()): Table {
  const scale = TEXT_WIDTH / widths.reduce((sum, width) => sum + width, 0);
  const fitted = widths.map((width) => Math.floor(width * scale));
  const cell = (value: string, index: number, options: { bold?: boolean; span?: number } = {}): TableCell =>
    new TableCell({
      width: { size: fitted[index] ?? 0, type: WidthType.DXA },
      verticalAlign: VerticalAlignTable.CENTER,
      margins: { left: 40, right: 40, top: 30, bottom: 30 },
      ...(options.span === undefined ? {} : { columnSpan: options.span }),
      children: [
        new Paragraph({
          alignment: index === 0 || options.span !== undefined ? AlignmentType.LEFT : AlignmentType.CENTER,
          children: [text(value, { size: TABLE_SIZE, ...(options.bold ? { bold: true } : {}) })],
        }),
      ],
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: fitted,
    layout: TableLayoutType.FIXED,
    borders: GRID,
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: heads.map((head, index) => cell(head, index, { bold: true })) }),
      ...rows.map(
        (row, rowIndex) =>
          new TableRow({
            cantSplit: true,
            children: groups.has(rowIndex) ? [cell(row[0] ?? '', 0, { bold: true, span: heads.length })] : row.map((value, index) => cell(value, index)),
          }),
      ),
    ],
  });
}
