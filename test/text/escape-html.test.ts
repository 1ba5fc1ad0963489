import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/text/escape-html.ts';

describe('escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['"><img src=x onerror=alert(1)>', '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'],
    ["it's", 'it&#39;s'],
    ['a & b', 'a &amp; b'],
    ['&amp;', '&amp;amp;'],
    ['Cổng DVC quốc gia', 'Cổng DVC quốc gia'],
    ['', ''],
  ])('escapes %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});
