import { describe, expect, it } from 'vitest';
import { compileJsonTemplate, compileTemplate, templateNames } from '../../src/config/template.ts';
import { renderJsonTemplate, renderTemplate } from '../../src/probes/template.ts';

// 00:30 on 1 March in Vietnam is still 28 February in UTC: local time must win.
const EARLY_MARCH = new Date('2026-02-28T17:30:00Z');
const render = (text: string, now = EARLY_MARCH, captures: Record<string, string> = {}) =>
  renderTemplate(compileTemplate(text), { captures: new Map(Object.entries(captures)), now });

describe('clock templates', () => {
  it('formats now in Asia/Ho_Chi_Minh whatever the process time zone', () => {
    expect(render('{{now | date "yyyy-MM"}}')).toEqual({ text: '2026-03' });
    expect(render('{{ now | date "dd/MM/yyyy HH:mm" }}')).toEqual({ text: '01/03/2026 00:30' });
    expect(render('{{now | date "M"}}')).toEqual({ text: '3' });
    expect(render('{{now}}')).toEqual({ text: '2026-03-01T00:30:00+07:00' });
  });

  it('adds to local time before formatting', () => {
    expect(render('{{now | add "-1d" | date "yyyyMMdd"}}')).toEqual({ text: '20260228' });
    expect(render('{{now | add "-1M" | date "yyyy-MM"}}')).toEqual({ text: '2026-02' });
    expect(render('{{now | add "+2h" | date "HH"}}')).toEqual({ text: '02' });
    // A month back from 31 March is the last day of February, not 3 March.
    expect(render('{{now | add "-1M" | date "yyyy-MM-dd"}}', new Date('2026-03-31T05:00:00Z'))).toEqual({ text: '2026-02-28' });
    expect(render('{{now | add "-1y" | date "yyyy"}}')).toEqual({ text: '2025' });
  });

  it('keeps quoted text literal', () => {
    expect(render(`{{now | date "yyyy'T'HH"}}`)).toEqual({ text: '2026T00' });
  });

  it('follows another zone when given one', () => {
    const result = renderTemplate(compileTemplate('{{now | date "yyyy-MM-dd"}}'), { captures: new Map(), now: EARLY_MARCH, timeZone: 'UTC' });
    expect(result).toEqual({ text: '2026-02-28' });
  });
});

describe('captured values', () => {
  it('fills names and urlencodes on request', () => {
    expect(render('Bearer {{token}}', EARLY_MARCH, { token: 'abc.def' })).toEqual({ text: 'Bearer abc.def' });
    expect(render('/find?q={{q | urlencode}}', EARLY_MARCH, { q: 'a b&c' })).toEqual({ text: '/find?q=a%20b%26c' });
  });

  it('names the first value it lacks', () => {
    expect(render('{{a}}-{{b}}', EARLY_MARCH, { a: '1' })).toEqual({ missing: 'b' });
  });

  it('lists the names a template reads, not now', () => {
    expect(templateNames(compileTemplate('{{tokenUrl}}?t={{now | date "yyyy"}}&k={{key}}'))).toEqual(['tokenUrl', 'key']);
  });

  it('fills the strings of a JSON body and keeps its numbers', () => {
    const body = compileJsonTemplate({ month: '{{now | date "yyyy-MM"}}', limit: 5, nested: [{ token: '{{t}}' }, null, true] });
    expect(renderJsonTemplate(body, { captures: new Map([['t', 'x']]), now: EARLY_MARCH })).toEqual({
      json: { month: '2026-03', limit: 5, nested: [{ token: 'x' }, null, true] },
    });
  });
});

describe('malformed templates', () => {
  it.each([
    ['{{now | date "yyyy"', '"{{" at character 1 is never closed'],
    ['{{now | format "yyyy"}}', 'unknown filter "format"'],
    ['{{now | add "yesterday"}}', 'needs an amount with a unit'],
    ['{{now | date}}', 'needs a format'],
    ['{{token | date "yyyy"}}', 'date applies to now'],
    ['{{ 1x }}', 'expected a captured name or now'],
  ])('refuses %s', (text, message) => {
    expect(() => compileTemplate(text)).toThrow(message);
  });

  it('names the JSON path of a bad string in a body', () => {
    expect(() => compileJsonTemplate({ a: [{ b: '{{x' }] })).toThrow('$.a[0].b: "{{" at character 1 is never closed');
  });
});
