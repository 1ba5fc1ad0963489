// `maintenance start|end`: open a maintenance window from a cut-over script and close it again,
// through the running daemon's operations API. Prints the window's id (start) or a line saying it
// ended; --json prints the API's JSON. Exit codes as for `incident`.
import { wordsFor } from '../text/locale.ts';
import { createDeskClient, daemonUrl, EXIT, type DeskCommandOptions, type Io } from './desk-client.ts';
import { DeskUsageError } from './desk-usage-error.ts';

export interface MaintenanceOptions extends DeskCommandOptions {
  readonly name?: string;
  readonly checks?: readonly string[];
  readonly systems?: readonly string[];
  readonly reason?: string;
  readonly until?: string;
}

export async function maintenanceCommand(options: MaintenanceOptions, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [subcommand, id, ...extra] = options.positionals;
  if (subcommand !== 'start' && subcommand !== 'end') throw new DeskUsageError('maintenance needs start or end');
  if (subcommand === 'end' && id === undefined) throw new DeskUsageError('maintenance end needs the id that start printed');
  if (subcommand === 'end') {
    // A window's flags on end would be dropped without a word: say so instead.
    const given = Object.entries({
      '--name': options.name,
      '--check': options.checks,
      '--system': options.systems,
      '--reason': options.reason,
      '--until': options.until,
    });
    const flag = given.find(([, value]) => value !== undefined)?.[0];
    if (flag !== undefined) throw new DeskUsageError(`maintenance end does not take ${flag}`);
  }
  if (extra.length > 0 || (subcommand === 'start' && id !== undefined)) throw new DeskUsageError(`unexpected argument "${extra[0] ?? id}"`);
  const client = createDeskClient(daemonUrl(options, env), env, io);
  const words = wordsFor('vi').deskPage;
  const answer =
    subcommand === 'start'
      ? await client.send(
          'POST',
          '/api/maintenance',
          Object.fromEntries(
            Object.entries({ name: options.name, checks: options.checks, systems: options.systems, reason: options.reason, until: options.until }).filter(
              ([, value]) => value !== undefined,
            ),
          ),
        )
      : await client.send(
          'DELETE',
          `/api/maintenance/${encodeURIComponent(id ?? '')}`,
          undefined,
          `${words.forms.maintenanceHeading.toLowerCase()} ${id ?? ''}`,
        );
  if (typeof answer === 'number') return answer;
  const record = answer.body as { id: string; name: string };
  if (options.json) io.stdout(JSON.stringify(answer.body, null, 2));
  else if (subcommand === 'start') io.stdout(words.cli.maintenanceStarted(record.id));
  else io.stdout(words.cli.done(`${words.forms.endMaintenance.toLowerCase()} ${record.name} (${record.id})`));
  return EXIT.ok;
}
