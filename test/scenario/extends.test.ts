/**
 * Scenarios that extend another (scenario/extends.ts): what merges and how, and
 * every error located in the file its item came from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBuiltinScenario, checkScenarioText, loadScenario, SCENARIO_DIR } from '../../src/scenario/load.js';
import { DataError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-extends-'));
const base = checkBuiltinScenario('april-2025-1s');
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
/** The error a load throws: its message, file and line. */
function failure(fn: () => unknown): { message: string; file?: string; line?: number } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
    return { message: e.message, file: e.location.file, line: e.location.line };
  }
  assert.fail('expected an error');
}

test('extends: fields replace, actors replace per economy, lists merge by id with new events in date order, drop removes items and actors', () => {
  const file = write(
    'child.yaml',
    `extends: april-2025-1s
scenario: child
title: A child
actors:
  JPN: { objective: { welfare: 1 }, patience: 0.2, why: More impatient. }
drop:
  questions: [asean-bloc]
  actors: [SGP]
events:
  - id: not-rushing
    date: 2025-04-17
    type: statement
    by: JPN
    text: Replaced.
    assumption: A test.
  - id: new-statement
    date: 2025-04-10
    type: statement
    by: USA
    text: Added.
    assumption: A test.
`,
  );
  const s = loadScenario(file).scenario;
  assert.equal(s.scenario, 'child');
  assert.equal(s.data, base.data, 'inherited');
  assert.equal(s.actors.JPN.patience, 0.2);
  assert.deepEqual(s.actors.USA, base.actors.USA, 'other actors inherited');
  assert.ok(!('SGP' in s.actors) && 'MYS' in s.actors, 'a dropped actor is gone');
  assert.deepEqual(s.questions.map((q) => q.id), base.questions.map((q) => q.id).filter((id) => id !== 'asean-bloc'));
  const ids = s.events.map((e) => e.id);
  assert.equal(ids.length, base.events.length + 1);
  assert.deepEqual(ids.filter((id) => id !== 'new-statement'), base.events.map((e) => e.id), 'replaced in place');
  assert.equal((s.events.find((e) => e.id === 'not-rushing') as { text: string }).text, 'Replaced.');
  const k = ids.indexOf('new-statement');
  assert.ok(s.events[k - 1].date <= '2025-04-10' && s.events[k + 1].date > '2025-04-10', 'added in date order');
  assert.deepEqual(s.branches, base.branches);
});

test('extends: an error in the extending file names that file and line; one in the extended file names it', () => {
  const child = write('bad-child.yaml', ['extends: april-2025-1s', 'events:', '  - id: x', '    date: 2025-04-10', '    type: statement', '    by: USA', '    txt: typo', '    assumption: A test.', ''].join('\n'));
  const e1 = failure(() => loadScenario(child));
  assert.equal(e1.file, child);
  assert.equal(e1.line, 3);
  // A parent with a broken event (line 6), extended by a child that is fine.
  const parentText = readFileSync(join(SCENARIO_DIR, 'april-2025-1s.yaml'), 'utf8').replace("text: \"Japan keeps its stance of 'not rushing to reach an agreement'.\"", 'text: 5');
  const parent = write('parent.yaml', parentText);
  const line = parentText.split('\n').findIndex((l) => l.includes('text: 5')) + 1;
  const ok = write('ok-child.yaml', 'extends: parent.yaml\nscenario: ok-child\n');
  const e2 = failure(() => loadScenario(ok));
  assert.equal(e2.file, parent);
  assert.equal(e2.line, line);
  assert.match(e2.message, /field "events\.\d+\.text"/);
});

test('extends: an unknown drop, a replacement out of date order, a loop and an unknown scenario are clear errors', () => {
  const drop = write('drop.yaml', 'extends: april-2025-1s\ndrop:\n  events: [no-such-event]\n');
  const e1 = failure(() => loadScenario(drop));
  assert.match(e1.message, /field "drop\.events\.0": the extended scenario has no event "no-such-event"/);
  assert.equal(e1.file, drop);
  assert.match(failure(() => loadScenario(write('drop-actor.yaml', 'extends: april-2025-1s\ndrop:\n  actors: [XYZ]\n'))).message, /field "drop\.actors\.0": the extended scenario has no actor "XYZ"/);
  const order = write('order.yaml', ['extends: april-2025-1s', 'events:', '  - id: not-rushing', '    date: 2025-01-01', '    type: statement', '    by: JPN', '    text: Moved.', '    assumption: A test.', ''].join('\n'));
  const e2 = failure(() => loadScenario(order));
  assert.match(e2.message, /events out of order/);
  assert.equal(e2.file, order);
  assert.equal(e2.line, 4);
  write('loop-a.yaml', 'extends: loop-b.yaml\n');
  const b = write('loop-b.yaml', 'extends: loop-a.yaml\n');
  const e3 = failure(() => loadScenario(b));
  assert.match(e3.message, /extends this scenario in turn: a loop/);
  const unknown = write('unknown.yaml', 'extends: nowhere\n');
  assert.match(failure(() => loadScenario(unknown)).message, /unknown scenario "nowhere": not a built-in name nor a file next to this one/);
});

test('extends: scenario text from outside may extend a built-in scenario, never a file', () => {
  const s = checkScenarioText('extends: april-2025-1s\nscenario: sent\n', 'scenario');
  assert.equal(s.scenario, 'sent');
  assert.equal(s.events.length, base.events.length);
  const e = failure(() => checkScenarioText(`extends: ${join(SCENARIO_DIR, 'april-2025-1s.yaml')}\n`, 'scenario'));
  assert.match(e.message, /a scenario sent as text may extend only a built-in one/);
  assert.equal(e.file, 'scenario');
  assert.equal(e.line, 1);
});
