// Reads a provincial export (CSV or .xlsx) into records keyed by procedure code, through the
// check's column mapping. Bad input (a missing column, an unreadable file) is an ExportError that
// names the file and, where it can, the row.
import { readFile } from 'node:fs/promises';
import type { CatalogueCheck } from '../config/catalogue-config.ts';
import { splitCell } from './tolerance.ts';

export interface ExportRow {
  readonly code: string;
  /** 1-based line (CSV) or row (xlsx) number, for messages. */
  readonly row: number;
  readonly fields: Readonly<Record<string, readonly string[]>>;
}

export class ExportError extends Error {
  override readonly name = 'ExportError';
}

type Compare = NonNullable<CatalogueCheck['compareWith']>;

export async function readProvincialExport(compare: Compare): Promise<ExportRow[]> {
  const table = /\.xlsx$/i.test(compare.file) ? await readXlsx(compare.file, compare.sheet) : parseCsv(await readText(compare.file), compare.delimiter);
  const [header, ...rows] = table;
  if (header === undefined) throw new ExportError(`${compare.file}: the file is empty`);
  const names = header.cells.map((cell) => cell.normalize('NFC').trim());
  const index: Record<string, number> = {};
  for (const [field, column] of Object.entries(compare.columns)) {
    const at = names.indexOf(column.normalize('NFC').trim());
    if (at < 0)
      throw new ExportError(`${compare.file}:${header.line}: no column "${column}" (for ${field}); the columns are: ${names.filter(Boolean).join(', ')}`);
    index[field] = at;
  }
  const out: ExportRow[] = [];
  for (const row of rows) {
    const code = (row.cells[index.key!] ?? '').trim();
    if (code === '') continue;
    const fields: Record<string, string[]> = {};
    for (const [field, at] of Object.entries(index)) if (field !== 'key') fields[field] = splitCell(row.cells[at] ?? '');
    out.push({ code, row: row.line, fields });
  }
  return out;
}

async function readText(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw new ExportError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

interface Line {
  readonly line: number;
  readonly cells: string[];
}

/** RFC 4180: quoted cells may hold the delimiter, quotes ("") and line breaks; CRLF or LF. */
function parseCsv(text: string, delimiter: string): Line[] {
  const rows: Line[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let at = 0; at < text.length; at++) {
    const char = text[at]!;
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') {
        cell += '"';
        at++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        cell += char;
      }
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[at + 1] === '\n') at++;
      cells.push(cell);
      if (cells.some((value) => value !== '')) rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      line++;
      rowLine = line;
    } else cell += char;
  }
  cells.push(cell);
  if (cells.some((value) => value !== '')) rows.push({ line: rowLine, cells });
  return rows;
}

async function readXlsx(file: string, sheet: string | undefined): Promise<Line[]> {
  // Loaded when an .xlsx is read: exceljs takes about 140 ms and several MB to load, which every
  // daemon start would pay for a file format it may never see.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch (error) {
    throw new ExportError(`${file}: not a readable .xlsx file (${(error as Error).message})`);
  }
  const worksheet = sheet === undefined ? workbook.worksheets[0] : workbook.getWorksheet(sheet);
  if (worksheet === undefined) throw new ExportError(`${file}: no worksheet${sheet === undefined ? '' : ` named "${sheet}"`}`);
  const rows: Line[] = [];
  worksheet.eachRow((row, number) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cell.text ?? '';
    });
    rows.push({ line: number, cells: Array.from(cells, (value) => value ?? '') });
  });
  return rows;
}
