import { describe, expect, it } from 'vitest';
import { deserialize, serialize, toEpochMs } from '../../src/store/serialize.ts';

const roundTrip = <T>(value: T): T => deserialize<T>(serialize(value));

describe('serialize and deserialize', () => {
  it('bring Dates back as Dates at any depth, in objects and arrays', () => {
    const value = { at: new Date('2026-05-29T22:00:00.123+07:00'), nested: { list: [new Date(0), { when: new Date(1) }] } };
    const back = roundTrip(value);
    expect(back).toEqual(value);
    expect(back.nested.list[0]).toBeInstanceOf(Date);
    expect(roundTrip(new Date(5))).toEqual(new Date(5));
  });

  it('keep a string that looks like a date a string', () => {
    expect(roundTrip({ text: '2026-05-29T15:00:00.000Z' })).toEqual({ text: '2026-05-29T15:00:00.000Z' });
  });

  it('keep an invalid Date invalid rather than turning it into null or epoch 0', () => {
    const back = roundTrip({ at: new Date(Number.NaN) });
    expect(back.at).toBeInstanceOf(Date);
    expect(Number.isNaN(back.at.getTime())).toBe(true);
  });

  it('keep data whose keys happen to be the tags', () => {
    const value = { byKey: { $date: 1748530800000 }, other: { $bytes: 3 }, two: { $date: 'x', more: 1 } };
    expect(roundTrip(value)).toEqual(value);
  });

  it('bring byte arrays back as Buffers with the same bytes', () => {
    const back = roundTrip({ raw: Buffer.from([0, 1, 254, 255]), view: new Uint8Array([7, 8, 9]).subarray(1) });
    expect(back.raw).toEqual(Buffer.from([0, 1, 254, 255]));
    expect([...back.view]).toEqual([8, 9]);
  });

  it('refuse a value JSON cannot hold', () => {
    expect(() => serialize(undefined)).toThrow(/undefined/);
  });
});

describe('toEpochMs', () => {
  it('converts a Date and refuses an invalid one, naming the field', () => {
    expect(toEpochMs(new Date(1234), 'openedAt')).toBe(1234);
    expect(() => toEpochMs(new Date(Number.NaN), 'incident x openedAt')).toThrow('incident x openedAt is not a valid Date');
  });
});
