// The store's schema history, oldest first. PRAGMA user_version records how far a file has got.
// To change the schema, add the next numbered file and list it here; a released file is never
// edited, because files already migrated past it would never see the edit.
import * as initial from './001-initial.ts';
import * as history from './002-history.ts';
import * as reportSends from './003-report-sends.ts';
import * as desk from './004-desk.ts';
import * as escalation from './005-escalation.ts';
import * as mailRecipients from './006-mail-recipients.ts';
import * as catalogue from './007-catalogue.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [initial, history, reportSends, desk, escalation, mailRecipients, catalogue];

/** Marks a file as a dvc-sentinel store ("DVCS"); set by migration 001. */
export const APPLICATION_ID = 0x44564353;
