import { describe, expect, it } from 'vitest';
import { formatDuration, parseBytes, parseDuration } from '../../src/config/units.ts';

describe('parseDuration', () => {
  it.each([
    ['30s', 30],
    ['1m30s', 90],
    ['250ms', 0.25],
    ['30ms', 0.03],
    ['5m', 300],
    ['1.5h', 5400],
    ['2d', 172800],
    ['1h30m15s500ms', 5415.5],
    ['0s', 0],
    [' 10s ', 10],
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBeCloseTo(seconds, 9);
  });

  it.each(['', '30', 's', '30 s', '1m 30s', '30sec', '30S', '-5s', '1.s', '5mm', 'fast'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0.25, '250ms'],
    [0, '0ms'],
    [1.5, '1.5s'],
    [30, '30s'],
    [60, '1m'],
    [90, '1m30s'],
    [3600, '1h'],
    [3661, '1h1m1s'],
    [90000, '1d1h'],
  ])('writes %d seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each(['250ms', '45s', '2m', '1h30m', '1d2h3m4s'])('reads back %s unchanged', (text) => {
    expect(formatDuration(parseDuration(text)!)).toBe(text);
  });
});

describe('parseBytes', () => {
  it.each([
    [512, 512],
    [0, 0],
    ['512', 512],
    ['100B', 100],
    ['64KiB', 65536],
    ['1MiB', 1048576],
    ['1GiB', 1073741824],
    ['2MB', 2000000],
    ['1 kb', 1000],
    ['1.5KiB', 1536],
  ] as const)('reads %j as %d bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it.each(['1 megabyte', '-1', 'MiB', '1TB', '', 1.5, -1])('refuses %j', (text) => {
    expect(parseBytes(text)).toBeUndefined();
  });
});
