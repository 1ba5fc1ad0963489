// A mistake on the incident or maintenance command line (missing id, unknown subcommand): the CLI
// prints it with the usage and exits 2. Its own module so the CLI can tell it apart without loading
// the HTTP client at start-up.
export class DeskUsageError extends Error {}
