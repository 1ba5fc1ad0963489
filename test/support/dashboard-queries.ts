// The queries of the shipped Grafana dashboards, with their variables set as Grafana would set them.
import { readFileSync } from 'node:fs';

export const DASHBOARD_FILES = ['overview.json', 'check.json', 'duty.json'] as const;
export type DashboardFile = (typeof DASHBOARD_FILES)[number];

interface Panel {
  readonly title: string;
  readonly targets?: readonly { readonly refId: string; readonly expr: string; readonly legendFormat?: string }[];
  readonly panels?: readonly Panel[];
}

interface DashboardQuery {
  /** `overview.json "Máy giám sát" A` */
  readonly where: string;
  /** `overview.json "Máy giám sát"` */
  readonly panel: string;
  readonly expr: string;
  /** Label names in the legend's {{label}}s. */
  readonly legendLabels: readonly string[];
}

export function readDashboard<T>(file: DashboardFile): T {
  return JSON.parse(readFileSync(new URL(`../../dashboards/${file}`, import.meta.url), 'utf8')) as T;
}

/** Every query target of a dashboard, rows' nested panels included, as written (variables unset). */
export function dashboardQueries(file: DashboardFile): DashboardQuery[] {
  const dashboard = readDashboard<{ panels: readonly Panel[] }>(file);
  return dashboard.panels
    .flatMap((panel) => [panel, ...(panel.panels ?? [])])
    .flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({
        where: `${file} "${panel.title}" ${target.refId}`,
        panel: `${file} "${panel.title}"`,
        expr: target.expr,
        legendLabels: [...(target.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]!),
      })),
    );
}

/** Sets $name and ${name} as Grafana does; a variable not given stays as written. */
export function setVariables(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, plain: string | undefined, braced: string | undefined) => variables[plain ?? braced!] ?? whole);
}
