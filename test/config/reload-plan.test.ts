import { describe, expect, it } from 'vitest';
import { resolveConfig, type Config } from '../../src/config/config.ts';
import { planReload } from '../../src/config/reload-plan.ts';
import { ConfigInput } from '../../src/config/schema.ts';

const base = {
  location: 'an-giang',
  server: { listen: '127.0.0.1:9464' },
  storage: { path: './data/sentinel.db' },
  defaults: { maxConcurrency: 64 },
  alerting: { email: { to: ['trucban@angiang.gov.vn'] }, groupWait: '10s' },
  checks: [
    { name: 'dvcqg-home', system: 'national-portal', kind: 'http', url: 'https://dichvucong.gov.vn/' },
    { name: 'quantricong', system: 'quantricong', kind: 'tls', host: 'quantricong.dichvucong.gov.vn' },
  ],
};

function configOf(change: (input: typeof base) => Record<string, unknown> = (input) => input): Config {
  return resolveConfig('monitor.yaml', ConfigInput.parse(change(structuredClone(base))), () => '');
}

describe('planReload', () => {
  it('restarts nothing and waits for nothing when the file did not change', () => {
    expect(planReload(configOf(), configOf())).toEqual({ waitForRestart: [], checksAdded: [], checksRemoved: [], restartDelivery: false });
  });

  it('applies checks at once, naming those added and removed, without touching delivery', () => {
    const next = configOf((input) => ({
      ...input,
      checks: [input.checks[0], { name: 'vneid-sso', system: 'vneid', kind: 'http', url: 'https://sso.dancuquocgia.gov.vn/' }],
    }));
    expect(planReload(configOf(), next)).toMatchObject({
      checksAdded: ['vneid-sso'],
      checksRemoved: ['quantricong'],
      restartDelivery: false,
      waitForRestart: [],
    });
  });

  it.each([
    ['recipients', (input: typeof base) => ({ ...input, alerting: { ...input.alerting, email: { to: ['ops@angiang.gov.vn'] } } })],
    ['groupWait', (input: typeof base) => ({ ...input, alerting: { ...input.alerting, groupWait: '30s' } })],
    ['locale', (input: typeof base) => ({ ...input, alerting: { ...input.alerting, locale: 'en' } })],
    ['location', (input: typeof base) => ({ ...input, location: 'ha-noi' })],
  ])('rebuilds delivery when %s change', (_what, change) => {
    expect(planReload(configOf(), configOf(change)).restartDelivery).toBe(true);
  });

  it('keeps delivery when only windows, retention or a check change', () => {
    const next = configOf((input) => ({
      ...input,
      storage: { ...input.storage, retention: { notifications: '7d' } },
      alerting: { ...input.alerting, maintenance: [{ name: 'cutover', start: '2026-05-29T22:00:00+07:00', end: '2026-05-30T06:00:00+07:00' }] },
      checks: [{ ...input.checks[0], interval: '2m' }, input.checks[1]],
    }));
    expect(planReload(configOf(), next)).toEqual({ waitForRestart: [], checksAdded: [], checksRemoved: [], restartDelivery: false });
  });

  it('lists the settings read only at start, with their new values, in a fixed order', () => {
    const next = configOf((input) => ({ ...input, server: { listen: '0.0.0.0:9100' }, storage: { path: '/var/lib/x.db' }, defaults: { maxConcurrency: 8 } }));
    expect(planReload(configOf(), next).waitForRestart).toEqual([
      { key: 'server.listen', fields: { listen: { host: '0.0.0.0', port: 9100 } } },
      { key: 'storage.path', fields: { path: '/var/lib/x.db' } },
      { key: 'defaults.maxConcurrency', fields: { maxConcurrency: 8 } },
    ]);
  });
});
