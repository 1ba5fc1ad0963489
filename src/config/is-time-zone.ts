// Whether the platform knows an IANA time-zone name: the one test every config key holding a zone
// (a report's, a maintenance window's) goes through.

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
