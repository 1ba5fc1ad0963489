// The simulated national catalogue API: paging, details without images leaking into what a check
// reads, scenarios switched over HTTP, the provincial export, and the firewall counting requests.
import { afterEach, describe, expect, it } from 'vitest';
import { CATALOGUE_PATHS, startCatalogueSim, type CatalogueSim } from '../../src/sim/catalogue-api.ts';

let sim: CatalogueSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the simulated catalogue API', () => {
  it('pages by cursor, serves details, switches scenarios and writes the provincial export', async () => {
    sim = await startCatalogueSim({ procedures: 120 });
    const first = (await (await post(`${sim.url}${CATALOGUE_PATHS.list}`, { limit: 50, lastId: '' })).json()) as {
      code: string;
      data: { items: { id: string }[]; lastId: string; total: number };
    };
    expect(first.code).toBe('OK');
    expect(first.data.items).toHaveLength(50);
    expect(first.data.total).toBe(120);
    const third = (await (await post(`${sim.url}${CATALOGUE_PATHS.list}`, { limit: 50, lastId: 'f00100' })).json()) as { data: { items: unknown[] } };
    expect(third.data.items).toHaveLength(20);

    expect((await fetch(`${sim.url}${CATALOGUE_PATHS.scenarios}unpublished`, { method: 'POST' })).status).toBe(204);
    expect(sim.published()).toHaveLength(119);
    expect((await fetch(`${sim.url}${CATALOGUE_PATHS.scenarios}unpublished`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${sim.url}${CATALOGUE_PATHS.scenarios}nonsense`, { method: 'POST' })).status).toBe(404);

    const detail = await post(`${sim.url}${CATALOGUE_PATHS.detail}`, { id: 'f00008' });
    expect(detail.status).toBe(201);
    expect(((await detail.json()) as { data: { code: string } }).data.code).toBe(sim.procedures[7]!.code);

    const csv = await (await fetch(`${sim.url}${CATALOGUE_PATHS.export}`)).text();
    expect(csv.trim().split('\r\n')).toHaveLength(121);
    // The controls are not the portal's traffic.
    expect(sim.arrivals).toHaveLength(3);
  });

  it('refuses a client going faster than its firewall allows', async () => {
    sim = await startCatalogueSim({ procedures: 5, minIntervalMs: 200 });
    expect((await post(`${sim.url}${CATALOGUE_PATHS.list}`, { lastId: '' })).status).toBe(201);
    const refused = await post(`${sim.url}${CATALOGUE_PATHS.list}`, { lastId: '' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Request Rejected');
    expect(sim.refused()).toBe(1);
    expect(sim.maxPerSecond()).toBe(2);
  });
});
