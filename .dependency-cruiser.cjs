// The layers of src/, as the README's layout section draws them. `npm run lint` fails on any
// violation; a layer rule's message names the importing file and the file it imports, a folder
// cycle's message the folders around the cycle.
//
// Base modules, importable from every layer: src/clock.ts, src/log.ts, src/cancellation.ts,
// src/time-zone.ts, src/text/ (words; imports only the base, config and state types and
// probes/probe.ts) and the result vocabulary src/probes/probe.ts. Above them, top down:
//   cli.ts, commands/, daemon.ts   wire the parts together; nothing imports them
//   checks                         one check run: probes, state, store, alerting, metrics, config
//   reporting                      the report scheduler: report, store, alerting, metrics, state, config
//   report                         history and incidents → figures → words: config, state, text, probes/probe.ts
//   server                         state, alerting, metrics, config, report (figures and renderers); of probes only probe.ts
//   alerting                       state, store, metrics, probes, config
//   store                          only state and config
//   state                          probes, config
//   metrics                        probes, config
//   scheduler                      nothing but the base
//   probes                         config
//   config                         nothing of ours (the bottom)
//   sim (the portal simulator)     stands apart: config and probes
// Each layer's rule names the importing file; no-folder-cycle is the backstop for folders added later.

const BASE_MODULES = ['^src/clock\\.ts$', '^src/log\\.ts$', '^src/scrub-secrets\\.ts$', '^src/cancellation\\.ts$', '^src/time-zone\\.ts$'];
const BASE = [...BASE_MODULES, '^src/text/', '^src/probes/probe\\.ts$'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'Folders form layers: a folder never imports, directly or through others, a folder that imports it.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-file-cycle',
      comment:
        'No file loads, directly or through others, a file that loads it. Type-only imports are left out: a table naming the interface its ' +
        'index declares is no load-order knot.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'base-imports-nothing',
      comment: 'The clock, the logger, cancellation and the time-zone wall clock sit under every layer, so they import nothing of ours.',
      severity: 'error',
      from: { path: '^src/(clock|log|cancellation|time-zone|scrub-secrets)\\.ts$' },
      to: { path: '^src/', pathNot: '^src/scrub-secrets\\.ts$' },
    },
    {
      name: 'probe-vocabulary-is-base',
      comment: 'probes/probe.ts is read by every layer, so it imports only the base modules and config types.',
      severity: 'error',
      from: { path: '^src/probes/probe\\.ts$' },
      to: { path: '^src/', pathNot: [...BASE_MODULES, '^src/config/'] },
    },
    {
      name: 'text-imports-config-types-and-probe-vocabulary',
      comment: 'src/text/ is the home of words, read by every layer: it imports only itself, the base modules, config and state types and probes/probe.ts.',
      severity: 'error',
      from: { path: '^src/text/' },
      to: { path: '^src/', pathNot: ['^src/text/', ...BASE_MODULES, '^src/probes/probe\\.ts$', '^src/config/', '^src/state/'] },
    },
    {
      name: 'text-imports-state-types-only',
      comment: 'Words may name the records state decides (Incident, Notification) but never run a decision.',
      severity: 'error',
      from: { path: '^src/text/' },
      to: { path: '^src/state/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'text-imports-config-types-only',
      comment: 'Words may name config types (Locale, Check) but never run config code.',
      severity: 'error',
      from: { path: '^src/text/' },
      to: { path: '^src/config/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'config-imports-nothing',
      comment: 'config is the bottom layer: it imports nothing of ours outside src/config/.',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/config/' },
    },
    {
      name: 'probes-not-upward',
      comment: 'A probe measures and judges; it never reaches state, alerting, the store or the server (nor metrics, checks, the scheduler, the simulator).',
      severity: 'error',
      from: { path: '^src/probes/' },
      to: { path: '^src/(state|alerting|store|server|metrics|checks|scheduler|sim)/' },
    },
    {
      name: 'metrics-not-upward',
      comment: 'Metrics read config and results only.',
      severity: 'error',
      from: { path: '^src/metrics/' },
      to: { path: '^src/(state|alerting|store|server|checks|scheduler|sim)/' },
    },
    {
      name: 'scheduler-not-upward',
      comment: 'The scheduler knows timing only, nothing of checks, probes or their outcome.',
      severity: 'error',
      from: { path: '^src/scheduler/' },
      to: { path: '^src/', pathNot: ['^src/scheduler/', ...BASE_MODULES] },
    },
    {
      name: 'state-not-upward',
      comment:
        'state decides (status, incidents, who is told of what); it never reaches alerting, the store or the server (nor metrics, checks, the simulator).',
      severity: 'error',
      from: { path: '^src/state/' },
      to: { path: '^src/(alerting|store|server|metrics|checks|scheduler|sim)/' },
    },
    {
      name: 'store-imports-state-and-config',
      comment: "The store keeps state's records: it imports only state, config and the base modules.",
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: ['^src/store/', '^src/state/', '^src/config/', ...BASE] },
    },
    {
      name: 'report-reads-state-and-config',
      comment:
        'The report computes and words figures from what it is given (a ReportSource): it imports config, state, text, probes/probe.ts and the base ' +
        'modules, never the store, alerting, the server or the check pipeline.',
      severity: 'error',
      from: { path: '^src/report/' },
      to: { path: '^src/', pathNot: ['^src/report/', '^src/state/', '^src/config/', ...BASE] },
    },
    {
      name: 'reporting-not-upward',
      comment: 'The report scheduler queues built reports through the store and the outbox; it never reaches the server, the check pipeline or the simulator.',
      severity: 'error',
      from: { path: '^src/reporting/' },
      to: { path: '^src/(server|checks|scheduler|sim)/' },
    },
    {
      name: 'alerting-not-upward',
      comment: 'Delivery sits under the server and the check pipeline.',
      severity: 'error',
      from: { path: '^src/alerting/' },
      to: { path: '^src/(server|checks|scheduler|sim)/' },
    },
    {
      name: 'desk-not-upward',
      comment:
        'The duty desk records what people do through the store and mails it through the outbox; it never reaches the server, the check pipeline, the scheduler or the simulator.',
      severity: 'error',
      from: { path: '^src/desk/' },
      to: { path: '^src/(server|checks|scheduler|sim|reporting|access)/' },
    },
    {
      name: 'access-reads-config-and-state',
      comment: 'Who may do what: users, sessions, tokens and logins, from config and state types; it never reaches the store, alerting or the server.',
      severity: 'error',
      from: { path: '^src/access/' },
      to: { path: '^src/', pathNot: ['^src/access/', '^src/state/', '^src/config/', ...BASE] },
    },
    {
      name: 'server-not-probe-internals',
      comment: 'The server shows results through the vocabulary in probes/probe.ts, never through a probe itself.',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/probes/', pathNot: '^src/probes/probe\\.ts$' },
    },
    {
      name: 'server-not-upward',
      comment: 'The server shows what the pipeline decided; it never runs checks or the simulator.',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/(checks|scheduler|store|sim)/' },
    },
    {
      name: 'checks-not-upward',
      comment: 'One run of one check; the daemon, not the pipeline, starts servers and simulators.',
      severity: 'error',
      from: { path: '^src/checks/' },
      to: { path: '^src/(server|scheduler|sim)/' },
    },
    {
      name: 'sim-stands-apart',
      comment: 'The simulator plays the portals; it shares only config and the result vocabulary with the monitor.',
      severity: 'error',
      from: { path: '^src/sim/' },
      to: { path: '^src/(state|alerting|store|server|metrics|checks|scheduler)/' },
    },
    {
      name: 'not-to-entry-points',
      comment: 'cli.ts, commands/ and daemon.ts wire the layers together; nothing below imports them.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/cli\\.ts$', '^src/commands/'] },
      to: { path: '^src/(cli\\.ts|daemon\\.ts|commands/)' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    // Type-only imports are edges too: a layer that names another's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    cache: false,
  },
};
