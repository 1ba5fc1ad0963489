// `incident list|show|ack|note|open|resolve`: the duty desk from a terminal, through the running
// daemon's operations API (desk-client.ts). A Vietnamese table or text by default, the API's JSON
// with --json. Exit codes: 0 done, 1 daemon unreachable or the action refused as it stands,
// 2 usage or input the API refused (the field is named), 3 not logged in or not allowed, 4 not found.
import { formatDateTime } from '../text/format-time.ts';
import { wordsFor } from '../text/locale.ts';
import { createDeskClient, daemonUrl, EXIT, type DeskCommandOptions, type Io } from './desk-client.ts';
import { DeskUsageError } from './desk-usage-error.ts';

export interface IncidentOptions extends DeskCommandOptions {
  readonly state?: string;
  readonly since?: string;
  readonly note?: string;
  readonly cause?: string;
  readonly plan?: string;
  readonly expectedFix?: string;
  readonly result?: string;
  readonly text?: string;
  readonly notify: boolean;
  readonly title?: string;
  readonly system?: string;
  readonly severity?: string;
  readonly description?: string;
  readonly reportedBy?: string;
}

/** The API's incident JSON, as far as the terminal shows it. */
interface IncidentView {
  readonly id: string;
  readonly check: string;
  readonly system: string;
  readonly severity: 'warning' | 'critical';
  readonly state: 'open' | 'resolved';
  readonly origin: 'probe' | 'people';
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly title?: string;
  readonly description?: string;
  readonly reportedBy?: string | null;
  readonly message?: string;
  readonly acknowledgedBy: string | null;
  readonly acknowledgedAt: string | null;
  readonly notes: readonly NoteView[];
}

interface NoteView {
  readonly author: string | null;
  readonly at: string;
  readonly cause?: string;
  readonly plan?: string;
  readonly expectedFixAt?: string;
  readonly result?: string;
  readonly text?: string;
  readonly notify: boolean;
}

const SUBCOMMANDS = ['list', 'show', 'ack', 'note', 'open', 'resolve'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];
type Flag = Exclude<keyof IncidentOptions, keyof DeskCommandOptions>;

/** The flags each subcommand reads: any other is refused, so that `resolve --note …` does not drop what it says. */
const FLAGS: Record<Subcommand, readonly Flag[]> = {
  list: ['state', 'since'],
  show: [],
  ack: ['note'],
  note: ['cause', 'plan', 'expectedFix', 'result', 'text', 'notify'],
  open: ['title', 'system', 'severity', 'description', 'reportedBy'],
  resolve: ['result'],
};
const FLAG_NAMES: Record<Flag, string> = {
  state: '--state',
  since: '--since',
  note: '--note',
  cause: '--cause',
  plan: '--plan',
  expectedFix: '--expected-fix',
  result: '--result',
  text: '--text',
  notify: '--notify',
  title: '--title',
  system: '--system',
  severity: '--severity',
  description: '--description',
  reportedBy: '--reported-by',
};

function refuseForeignFlags(subcommand: Subcommand, options: IncidentOptions): void {
  for (const flag of Object.keys(FLAG_NAMES) as Flag[]) {
    const given = flag === 'notify' ? options.notify : options[flag] !== undefined;
    if (given && !FLAGS[subcommand].includes(flag)) throw new DeskUsageError(`incident ${subcommand} does not take ${FLAG_NAMES[flag]}`);
  }
}
const words = wordsFor('vi');
const NONE = '—';

function when(iso: string | null | undefined): string {
  return iso === null || iso === undefined ? NONE : formatDateTime(new Date(iso), 'vi');
}

/** Columns padded to their widest cell; the last one is left ragged. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => [...(row[column] ?? '')].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat(widths[column]! - [...cell].length)))
      .join('  ')
      .trimEnd(),
  );
}

function acknowledgement(incident: IncidentView): string {
  if (incident.acknowledgedAt === null) return NONE;
  return `${incident.acknowledgedBy ?? ''} ${when(incident.acknowledgedAt)}`.trim();
}

function printList(incidents: readonly IncidentView[], io: Io): void {
  const cli = words.deskPage.cli;
  if (incidents.length === 0) {
    io.stdout(cli.noIncidents);
    return;
  }
  const columns = cli.columns;
  const head = [columns.id, columns.severity, columns.state, columns.system, columns.check, columns.startedAt, columns.acknowledged];
  const rows = incidents.map((incident) => [
    incident.id,
    words.severity[incident.severity],
    cli.state[incident.state],
    incident.system,
    incident.title ?? incident.check,
    when(incident.startedAt),
    acknowledgement(incident),
  ]);
  for (const line of table([head, ...rows])) io.stdout(line);
}

function printIncident(incident: IncidentView, io: Io): void {
  const cli = words.deskPage.cli;
  const desk = words.deskPage;
  const lines: [string, string][] = [
    [cli.columns.id, incident.id],
    [cli.columns.severity, words.severity[incident.severity]],
    [cli.columns.state, `${cli.state[incident.state]} (${cli.origin[incident.origin]})`],
    [cli.columns.system, incident.system],
    [cli.columns.check, incident.check],
  ];
  if (incident.title !== undefined) lines.push([desk.forms.title, incident.title]);
  if (incident.description !== undefined && incident.description !== '') lines.push([desk.forms.description, incident.description]);
  if (incident.reportedBy !== undefined && incident.reportedBy !== null) lines.push([desk.forms.reportedBy, incident.reportedBy]);
  if (incident.message !== undefined) lines.push([words.page.incident.lastError, incident.message]);
  lines.push([cli.columns.startedAt, when(incident.startedAt)]);
  if (incident.endedAt !== null) lines.push([cli.state.resolved, when(incident.endedAt)]);
  lines.push([cli.columns.acknowledged, incident.acknowledgedAt === null ? desk.notAcknowledged : acknowledgement(incident)]);
  for (const line of table(lines.map(([label, value]) => [`${label}:`, value]))) io.stdout(line);
  if (incident.notes.length === 0) return;
  io.stdout('');
  io.stdout(`${desk.notesHeading}:`);
  for (const note of incidentNotes(incident)) io.stdout(note);
}

function incidentNotes(incident: IncidentView): string[] {
  const desk = words.deskPage;
  return incident.notes.flatMap((note) => {
    const fields: [string, string | undefined][] = [
      [desk.fields.cause, note.cause],
      [desk.fields.plan, note.plan],
      [desk.fields.expectedFixAt, note.expectedFixAt === undefined ? undefined : when(note.expectedFixAt)],
      [desk.fields.result, note.result],
      [desk.fields.text, note.text],
    ];
    const head = `- ${desk.noteBy(note.author ?? undefined, when(note.at))}${note.notify ? ` (${desk.notified})` : ''}`;
    return [head, ...fields.filter(([, value]) => value !== undefined).map(([label, value]) => `    ${label}: ${value}`)];
  });
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new DeskUsageError(`${flag} is required`);
  return value;
}

/** Only the flags given: the API tells absent from empty. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

export async function incidentCommand(options: IncidentOptions, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [subcommand, id, ...extra] = options.positionals;
  if (subcommand === undefined || !(SUBCOMMANDS as readonly string[]).includes(subcommand)) {
    throw new DeskUsageError(`incident needs one of ${SUBCOMMANDS.join(', ')}`);
  }
  refuseForeignFlags(subcommand as Subcommand, options);
  const needsId = subcommand !== 'list' && subcommand !== 'open';
  if (needsId && id === undefined) throw new DeskUsageError(`incident ${subcommand} needs an incident id`);
  if (extra.length > 0 || (!needsId && id !== undefined)) throw new DeskUsageError(`unexpected argument "${extra[0] ?? id}"`);
  const client = createDeskClient(daemonUrl(options, env), env, io);
  const path = `/api/incidents/${encodeURIComponent(id ?? '')}`;
  const what = `sự cố ${id ?? ''}`.trim();

  const answer = await (() => {
    switch (subcommand) {
      case 'list': {
        const query = new URLSearchParams(defined({ state: options.state, since: options.since }) as Record<string, string>).toString();
        return client.send('GET', `/api/incidents${query === '' ? '' : `?${query}`}`);
      }
      case 'show':
        return client.send('GET', path, undefined, what);
      case 'ack':
        return client.send('POST', `${path}/acknowledge`, defined({ note: options.note }), what);
      case 'note':
        return client.send(
          'POST',
          `${path}/notes`,
          defined({
            cause: options.cause,
            plan: options.plan,
            expectedFixAt: options.expectedFix,
            result: options.result,
            text: options.text,
            notify: options.notify,
          }),
          what,
        );
      case 'open':
        return client.send('POST', '/api/incidents', {
          title: required(options.title, '--title'),
          system: required(options.system, '--system'),
          severity: options.severity ?? 'warning',
          description: options.description ?? '',
          reportedBy: required(options.reportedBy, '--reported-by'),
        });
      default:
        return client.send('POST', `${path}/resolve`, defined({ result: options.result }), what);
    }
  })();
  if (typeof answer === 'number') return answer;
  if (options.json) {
    io.stdout(JSON.stringify(answer.body, null, 2));
    return EXIT.ok;
  }
  if (subcommand === 'list') printList((answer.body as { incidents: IncidentView[] }).incidents, io);
  else if (subcommand === 'note') io.stdout(words.deskPage.cli.done(`${words.deskPage.notesHeading.toLowerCase()} · ${id ?? ''}`));
  else printIncident(answer.body as IncidentView, io);
  return EXIT.ok;
}
