// The text/plain part: the mail document as readable lines. No markup and no entities; every value
// is already one line, so endpoint text cannot reshape the layout.
import type { MailDocument, MailSection, RiderGroup } from './build-mail-document.ts';

const RULE = '='.repeat(64);

export function renderMailText(document: MailDocument): string {
  const blocks: string[] = [];
  if (document.intro !== undefined) blocks.push([document.intro.text, ...document.intro.items.map((item) => `  • ${item}`)].join('\n'));
  for (const section of document.sections) blocks.push(renderSection(section, document));
  blocks.push(`-- \n${document.footer}`);
  return `${blocks.join('\n\n')}\n`;
}

function renderSection(section: MailSection, document: MailDocument): string {
  const parts = [`${RULE}\n${section.title}\n${RULE}`];
  if (section.lead !== undefined) parts.push(section.lead);
  if (section.rows.length > 0) parts.push(section.rows.map((row) => `${row.label}: ${row.value}`).join('\n'));
  for (const group of section.riderGroups) parts.push(renderRiders(group, document));
  return parts.join('\n\n');
}

function renderRiders(group: RiderGroup, document: MailDocument): string {
  const columns = document.riderColumns;
  const lines = [`${group.title} (${group.riders.length}):`];
  for (const rider of group.riders) {
    lines.push(`  • ${rider.check} — ${rider.system} — ${rider.severity}`);
    lines.push(
      `    ${columns.detectedAt}: ${rider.detectedAt} · ${columns.resolvedAt}: ${rider.resolvedAt ?? document.ongoing} · ${columns.duration}: ${rider.duration}`,
    );
    lines.push(`    ${columns.reason}: ${rider.reason}${rider.message === '' ? '' : ` — ${rider.message}`}`);
    if (rider.note !== undefined) lines.push(`    ${columns.note}: ${rider.note}`);
  }
  return lines.join('\n');
}
