import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeJson } from '../../src/report/json-stream.js';

function streamed(value: unknown, indent?: number): { text: string; chunks: number } {
  const parts: string[] = [];
  writeJson(value, (c) => parts.push(c), indent);
  return { text: parts.join(''), chunks: parts.length };
}

test('writeJson is byte-identical to JSON.stringify (nesting, empties, undefined, non-finite, toJSON, escapes)', () => {
  const value = {
    a: 1,
    b: [1, 'two', null, undefined, () => 0, { c: [] }, {}],
    d: undefined,
    e: { f: -0, g: 1e-7, h: 1.5e300, i: NaN, j: -Infinity },
    k: 'quote " backslash \\ newline \n tab \t unicode \u2028',
    l: new Date(0),
    m: [[[]]],
    n: true,
    o: false,
    'key "with" quotes': 1,
  };
  for (const indent of [2, 0, 4]) assert.equal(streamed(value, indent).text, JSON.stringify(value, null, indent));
  for (const scalar of [1, 'x', null, true, [], {}]) assert.equal(streamed(scalar).text, JSON.stringify(scalar, null, 2));
});

test('a large value goes out in many chunks, not one string', () => {
  const rows = Array.from({ length: 20000 }, (_, k) => ({ exporter: `E${k}`, value: k / 7 }));
  const { text, chunks } = streamed({ rows });
  assert.equal(text, JSON.stringify({ rows }, null, 2));
  assert.ok(chunks > 10, `expected many chunks, got ${chunks}`);
});
