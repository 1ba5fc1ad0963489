// The simulator's control endpoint, as msw handlers on its own port: list scenarios, switch them,
// reset, start or stop a timeline. Every change is applied (sockets closed or reopened) before
// the answer is sent, so a script can switch and probe right after.
import { http, HttpResponse, type RequestHandler } from 'msw';
import { isScenarioName, SCENARIOS, type ScenarioName } from './scenarios.ts';

export interface ControlState {
  readonly active: readonly string[];
  readonly available: readonly { readonly name: ScenarioName; readonly description: string }[];
  readonly portal: string;
  readonly timeline: { readonly name: string; readonly step: number; readonly faults: readonly string[]; readonly stepEndsAt: string } | null;
}

export interface SimController {
  describe(): ControlState;
  setScenario(name: ScenarioName, on: boolean): Promise<void>;
  reset(): Promise<void>;
  /** undefined stops the timeline; throws an Error for a bad spec. */
  setTimeline(spec: string | undefined): Promise<void>;
}

export const CONTROL_USAGE = [
  'GET    /scenarios             active and available scenarios',
  'POST   /scenarios/<name>      switch a scenario on (healthy = clear every fault)',
  'DELETE /scenarios/<name>      switch a scenario off',
  'POST   /reset                 clear every fault, sync caught up, timeline back to its first step',
  'PUT    /timeline              body {"timeline":"demo"} or "healthy:60s,portal-down:90s"; starts it',
  'DELETE /timeline              stop the timeline (scenarios stay as they are)',
] as const;

export function createControlHandlers(controller: SimController): RequestHandler[] {
  const unknownScenario = (name: string) => HttpResponse.json({ error: `unknown scenario "${name}"`, available: Object.keys(SCENARIOS) }, { status: 404 });
  return [
    http.get('*/', () => HttpResponse.json({ usage: CONTROL_USAGE, ...controller.describe() })),
    http.get('*/scenarios', () => HttpResponse.json(controller.describe())),
    http.post('*/scenarios/:name', async ({ params }) => {
      const name = String(params.name);
      if (!isScenarioName(name)) return unknownScenario(name);
      await controller.setScenario(name, true);
      return HttpResponse.json(controller.describe());
    }),
    http.delete('*/scenarios/:name', async ({ params }) => {
      const name = String(params.name);
      if (!isScenarioName(name)) return unknownScenario(name);
      if (name === 'healthy') return HttpResponse.json({ error: 'healthy cannot be switched off; switch a fault on instead' }, { status: 409 });
      await controller.setScenario(name, false);
      return HttpResponse.json(controller.describe());
    }),
    http.post('*/reset', async () => {
      await controller.reset();
      return HttpResponse.json(controller.describe());
    }),
    http.put('*/timeline', async ({ request }) => {
      const spec = readTimelineSpec(await request.text());
      if (spec === undefined) return HttpResponse.json({ error: 'body must be {"timeline":"<name or steps>"} or the spec as plain text' }, { status: 400 });
      try {
        await controller.setTimeline(spec);
      } catch (error) {
        return HttpResponse.json({ error: (error as Error).message }, { status: 400 });
      }
      return HttpResponse.json(controller.describe());
    }),
    http.delete('*/timeline', async () => {
      await controller.setTimeline(undefined);
      return HttpResponse.json(controller.describe());
    }),
    http.all('*', () => HttpResponse.json({ error: 'no such control route', usage: CONTROL_USAGE }, { status: 404 })),
  ];
}

function readTimelineSpec(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const body = JSON.parse(trimmed) as { timeline?: unknown };
    return typeof body.timeline === 'string' && body.timeline !== '' ? body.timeline : undefined;
  } catch {
    return undefined;
  }
}
