import { describe, expect, it } from 'vitest';
import { clip, shorten } from '../../src/probes/format.ts';

describe('shorten', () => {
  it('keeps a text that fits and cuts a longer one to exactly maxChars, ending in an ellipsis', () => {
    expect(shorten('abcdef', 6)).toBe('abcdef');
    expect(shorten('abcdefg', 6)).toBe('abcde…');
    expect(shorten('abcdefg', 6)).toHaveLength(6);
  });
});

describe('clip', () => {
  it('makes one line of a quoted body and cuts it at 80 characters unless told otherwise', () => {
    expect(clip('  <h1>Access\n\t denied</h1>  ')).toBe('<h1>Access denied</h1>');
    expect(clip('x'.repeat(100))).toBe(`${'x'.repeat(79)}…`);
    expect(clip('one two three', 7)).toBe('one tw…');
  });
});
