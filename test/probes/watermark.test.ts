import { describe, expect, it } from 'vitest';
import { ProbeFailure } from '../../src/probes/probe-failure.ts';
import { EPOCH_MS_FROM, parseCountWatermark, parseTimeWatermark, parseWatermark } from '../../src/probes/watermark.ts';

// 22:00 on 29/05/2026 in Vietnam, the cut-over hour: 15:00 UTC.
/** Where the value was read, for the coded message. */
const PLACE = { side: 'source', path: '$.data.lastUpdated', host: 'igate.example' } as const;
const CUTOVER_SECONDS = Date.parse('2026-05-29T15:00:00Z') / 1000;

describe('parseTimeWatermark', () => {
  it.each([
    ['ISO with +07:00', '2026-05-29T22:00:00+07:00', CUTOVER_SECONDS],
    ['ISO with Z', '2026-05-29T15:00:00Z', CUTOVER_SECONDS],
    ['ISO with lower-case z', '2026-05-29T15:00:00z', CUTOVER_SECONDS],
    ['ISO with +0700', '2026-05-29T22:00:00+0700', CUTOVER_SECONDS],
    ['ISO with +07', '2026-05-29T22:00:00+07', CUTOVER_SECONDS],
    ['ISO with a negative offset', '2026-05-29T10:00:00-05:00', CUTOVER_SECONDS],
    ['ISO with milliseconds', '2026-05-29T15:00:00.250Z', CUTOVER_SECONDS + 0.25],
    ['ISO with a comma fraction', '2026-05-29T15:00:00,5Z', CUTOVER_SECONDS + 0.5],
    ['ISO with microseconds', '2026-05-29T15:00:00.123456Z', CUTOVER_SECONDS + 0.123456],
    ['ISO without offset = Vietnam time', '2026-05-29T22:00:00', CUTOVER_SECONDS],
    ['ISO with a space, no offset', '2026-05-29 22:00:00', CUTOVER_SECONDS],
    ['ISO without seconds', '2026-05-29T22:00+07:00', CUTOVER_SECONDS],
    ['ISO date only = midnight in Vietnam', '2026-05-30', Date.parse('2026-05-29T17:00:00Z') / 1000],
    ['ISO with surrounding spaces', '  2026-05-29T15:00:00Z ', CUTOVER_SECONDS],
    ['yyyyMMddHHmmss string (adapter protocol, Vietnam time)', '20260529220000', CUTOVER_SECONDS],
    ['yyyyMMddHHmmss number', 20260529220000, CUTOVER_SECONDS],
    ['dd/MM/yyyy HH:mm:ss (Vietnam time)', '29/05/2026 22:00:00', CUTOVER_SECONDS],
    ['dd/MM/yyyy HH:mm', '29/05/2026 22:00', CUTOVER_SECONDS],
    ['dd/MM/yyyy', '30/05/2026', Date.parse('2026-05-29T17:00:00Z') / 1000],
    ['epoch seconds number', CUTOVER_SECONDS, CUTOVER_SECONDS],
    ['epoch seconds with a fraction', CUTOVER_SECONDS + 0.5, CUTOVER_SECONDS + 0.5],
    ['epoch seconds string', String(CUTOVER_SECONDS), CUTOVER_SECONDS],
    ['epoch milliseconds number', CUTOVER_SECONDS * 1000, CUTOVER_SECONDS],
    ['epoch milliseconds string', String(CUTOVER_SECONDS * 1000), CUTOVER_SECONDS],
    ['epoch milliseconds with a fraction of a millisecond', CUTOVER_SECONDS * 1000 + 0.5, CUTOVER_SECONDS + 0.0005],
    ['0 (never) is the epoch', 0, 0],
    ['just below the milliseconds bound is seconds', EPOCH_MS_FROM - 1, EPOCH_MS_FROM - 1],
    ['the milliseconds bound itself is milliseconds (March 1973)', EPOCH_MS_FROM, EPOCH_MS_FROM / 1000],
  ] as const)('reads %s', (_, value, seconds) => {
    expect(parseTimeWatermark(value)).toBeCloseTo(seconds, 6);
  });

  it.each([
    ['a word', 'yesterday'],
    ['an empty string', ''],
    ['null', null],
    ['a boolean', true],
    ['an object', { at: '2026-05-29' }],
    ['a negative number', -5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['31 February', '2026-02-31T10:00:00Z'],
    ['month 13', '2026-13-01T10:00:00Z'],
    ['hour 24', '2026-05-29T24:00:00Z'],
    ['a 14-digit string that is no date', '20261399999999'],
    ['a 14-digit number that is no date', 99999999999999],
    ['an offset past 14 hours', '2026-05-29T15:00:00+15:00'],
    ['a US-style date with month 13 first', '13/29/2026'],
    ['a 2-digit year', '29/05/26 22:00'],
  ] as const)('refuses %s', (_, value) => {
    expect(parseTimeWatermark(value)).toBeUndefined();
  });
});

describe('parseCountWatermark', () => {
  it.each([
    [0, 0],
    [1380, 1380],
    ['1380', 1380],
    [' 42 ', 42],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ] as const)('reads %j as %d', (value, count) => {
    expect(parseCountWatermark(value)).toBe(count);
  });

  it.each([[-1], [1.5], ['1.5'], ['12a'], [''], [null], [Number.MAX_SAFE_INTEGER + 2], ['9007199254740993'], [[3]]])('refuses %j', (value) => {
    expect(parseCountWatermark(value)).toBeUndefined();
  });
});

describe('parseWatermark', () => {
  it('returns the parsed value for the unit', () => {
    expect(parseWatermark('20260529220000', 'time', 'x', PLACE)).toBe(CUTOVER_SECONDS);
    expect(parseWatermark('20260529220000', 'count', 'x', PLACE)).toBe(20260529220000);
  });

  it('throws a protocol failure naming where and the value', () => {
    const read = () => parseWatermark('hôm qua', 'time', 'source: $.data.lastUpdated from igate.example', PLACE);
    expect(read).toThrow(ProbeFailure);
    expect(read).toThrow(
      'source: $.data.lastUpdated from igate.example is "hôm qua", not a time (ISO-8601, yyyyMMddHHmmss, dd/MM/yyyy HH:mm:ss, or epoch seconds or milliseconds)',
    );
    try {
      read();
    } catch (error) {
      expect((error as ProbeFailure).reason).toBe('protocol');
      expect((error as ProbeFailure).detail).toEqual({ code: 'sync_value', params: { ...PLACE, problem: 'not_time', value: '"hôm qua"' } });
    }
  });

  it('says a count was wanted with unit count', () => {
    expect(() => parseWatermark(-3, 'count', '$.seq', PLACE)).toThrow('$.seq is -3, not a count (a whole number, 0 or more)');
  });

  it('truncates a long value in the message', () => {
    const long = 'x'.repeat(500);
    let message = '';
    try {
      parseWatermark(long, 'time', '$.at', PLACE);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.length).toBeLessThan(200);
    expect(message).toContain('…');
  });
});
