// DVC_LISTEN: where the daemon listens, when the place it runs decides it rather than the config
// file. A container image or a pod sets it (0.0.0.0:9464: reachable from outside the container),
// so one config file serves on a laptop and in a container alike. When set it replaces
// server.listen, for the daemon and for the CLI commands that talk to it (they read the same
// address). Read here rather than written as ${DVC_LISTEN} in the file: a substituted value counts
// as a secret and is scrubbed from every log line, which would hide the address the daemon says
// it listens on.
import type { PathIssue } from './translate-zod-issues.ts';
import { Listen, type ConfigInput } from './schema.ts';

const LISTEN_ENV = 'DVC_LISTEN';

/** DVC_LISTEN as host:port (undefined when unset), or an issue on server.listen when it is not host:port. */
export function listenFromEnv(env: NodeJS.ProcessEnv): { readonly listen?: string; readonly issue?: PathIssue } {
  const value = env[LISTEN_ENV];
  if (value === undefined || value === '') return {};
  const parsed = Listen.safeParse(value);
  if (parsed.success) return { listen: parsed.data };
  return { issue: { path: ['server', 'listen'], at: 'value', message: `environment variable ${LISTEN_ENV}="${value}" must be host:port, e.g. 0.0.0.0:9464` } };
}

/** The file's settings with server.listen replaced when DVC_LISTEN gives one (only the resolved config reads server.listen). */
export function withListen(data: ConfigInput, listen: string | undefined): ConfigInput {
  return listen === undefined ? data : { ...data, server: { ...data.server, listen } };
}
