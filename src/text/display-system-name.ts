// What a system label (`system:` in a check) is called in mails, on the status page and in reports: the config's own display names
// first, then these defaults, then the raw label.
import type { Locale } from '../config/alerting-config.ts';

export const DEFAULT_SYSTEM_NAMES: Record<string, { vi: string; en: string }> = {
  'national-portal': { vi: 'Cổng DVC quốc gia', en: 'National Public Service Portal' },
  quantricong: { vi: 'Hệ thống điều phối (quantricong)', en: 'Coordination system (quantricong)' },
  provincial: { vi: 'Hệ thống TTHC tỉnh', en: 'Provincial administrative-procedure system' },
  sync: { vi: 'Đồng bộ hồ sơ', en: 'Dossier sync' },
  payment: { vi: 'Thanh toán trực tuyến', en: 'Online payment' },
  vneid: { vi: 'VNeID', en: 'VNeID' },
};

export function displaySystemName(label: string, locale: Locale, names: Readonly<Record<string, string>> | undefined): string {
  // Own keys only: a label such as "constructor" must not pick up an Object.prototype member.
  if (names !== undefined && Object.hasOwn(names, label)) return names[label] ?? label;
  if (Object.hasOwn(DEFAULT_SYSTEM_NAMES, label)) return DEFAULT_SYSTEM_NAMES[label]?.[locale] ?? label;
  return label;
}
