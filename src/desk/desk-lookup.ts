// What the incident rules ask of the desk (state/desk-rules.ts DeskLookup), answered from the
// store at the moment they ask: an acknowledgement or a silence made a second ago counts at the
// next tick, and both survive a restart because they never lived anywhere else.
import type { DeskLookup } from '../state/desk-rules.ts';
import type { Store } from '../store/store.ts';

export function storeDeskLookup(store: Pick<Store, 'desk'>): DeskLookup {
  return {
    acknowledged: (incidentId) => store.desk.acknowledgement(incidentId) !== undefined,
    silenced: (check, system, now) => store.desk.isSilenced(check, system, now),
  };
}
