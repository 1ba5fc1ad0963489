// The notice that another server now answers a check (a cut-over, a rollback, a renewed or swapped
// certificate). Pure: the caller queues it with the check state that records the new server, in
// one transaction, so it is sent once per change and never again after a restart.
//
// Policy:
// - The last server seen is kept in the check state (check-state.ts `backend`) and outlives probes
//   that reached none; the first server ever seen is recorded without a notice.
// - A change of address, certificate (fingerprint, issuer, serial) or a recorded header notifies
//   once, whatever the check's status, to the check's ordinary recipients; `backend.notify: false`
//   (checks behind round-robin DNS) records and logs it only.
import type { AlertingConfig } from '../config/alerting-config.ts';
import type { Check } from '../config/config.ts';
import { backendChanged } from '../probes/backend.ts';
import type { BackendIdentity } from '../probes/probe.ts';
import type { Notification } from './notification.ts';
import { ordinaryRecipients } from './recipients.ts';

/** The notice for a change between two observations, or undefined when there is none to send. */
export function backendChangeNotification(
  config: AlertingConfig,
  check: Pick<Check, 'name' | 'system'> & { readonly backend?: { readonly notify: boolean } },
  previous: BackendIdentity | undefined,
  next: BackendIdentity | undefined,
  now: Date,
): Notification | undefined {
  if (previous === undefined || next === undefined || !backendChanged(previous, next)) return undefined;
  if (check.backend?.notify === false) return undefined;
  return {
    type: 'backend_changed',
    riders: [],
    to: ordinaryRecipients(config, check.name, check.system, now),
    createdAt: now,
    backend: { check: check.name, system: check.system, from: previous, to: next },
  };
}
