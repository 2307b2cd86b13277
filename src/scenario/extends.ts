/**
 * A scenario that extends another (`extends: april-2025-1s`): the same episode told
 * once. The extending file holds only what differs; its fields replace the
 * other's, `actors` replace per economy, and the lists merge by id (`events`,
 * `options`, `questions`) or name (`branches`): an item with a known id replaces
 * that item in place, a new one is added (an event in date order, the rest at the
 * end), and `drop` removes items by id (actors by code). Every error is located in the file the
 * offending item came from.
 */
import { dirname } from 'node:path';
import { z } from 'zod';
import { DataError } from '../errors.js';
import { readYamlSource, validateSource, type Locator, type YamlSource } from '../data/yaml.js';
import { ScenarioSchema } from './schema.js';

/** How many scenarios a chain of `extends` may pass through: a longer chain is a loop or a tangle. */
export const EXTENDS_MAX_DEPTH = 4;

const LIST_KEYS = { events: 'id', options: 'id', questions: 'id', branches: 'name' } as const;
type ListKey = keyof typeof LIST_KEYS;

const Ids = z.array(z.string().min(1));

/** What an extending file may hold: any scenario field, `extends`, and `drop` (ids per list). */
export const ScenarioExtensionSchema = ScenarioSchema.partial()
  .extend({
    /** The scenario this one extends: a built-in name or a file relative to this one. */
    extends: z.string().min(1),
    /** Items of the extended scenario to leave out, by id (branches by name). */
    drop: z.object({ events: Ids, options: Ids, questions: Ids, branches: Ids, actors: Ids }).partial().strict().optional(),
  })
  .strict();

/** The file of the scenario named in `extends` (from the extending file's folder, or null for text from outside), if any. */
export type ScenarioResolver = (name: string, folder: string | null) => string | undefined;

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The scenario a source describes with its `extends` chain merged in; sources without `extends` come back as they
 * are. `file` is the source's file (null for text from outside: then only built-in names may be extended).
 */
export function withExtends(source: YamlSource, file: string | null, resolveName: ScenarioResolver, chain: readonly string[] = []): YamlSource {
  if (!isObject(source.value) || !('extends' in source.value)) return source;
  const child = source.value;
  validateSource(source, ScenarioExtensionSchema);
  const name = child.extends as string;
  const parentFile = resolveName(name, file === null ? null : dirname(file));
  if (parentFile === undefined) {
    const why = file === null ? 'a scenario sent as text may extend only a built-in one' : 'not a built-in name nor a file next to this one';
    throw new DataError(`field "extends": unknown scenario "${name}": ${why}`, source.where(['extends']));
  }
  if (chain.includes(parentFile) || parentFile === file) throw new DataError(`field "extends": "${name}" extends this scenario in turn: a loop`, source.where(['extends']));
  if (chain.length + 1 >= EXTENDS_MAX_DEPTH) throw new DataError(`field "extends": more than ${EXTENDS_MAX_DEPTH} scenarios in one chain of extends`, source.where(['extends']));
  const parent = withExtends(readYamlSource(parentFile, 'scenario'), parentFile, resolveName, [...chain, ...(file ? [file] : [])]);
  if (!isObject(parent.value)) throw new DataError(`field "extends": "${name}" is not a scenario`, source.where(['extends']));
  return merge(parent, { value: child, where: source.where });
}

function merge(parent: YamlSource, child: { value: Raw; where: Locator }): YamlSource {
  const p = parent.value as Raw;
  const c = child.value;
  const drop = (c.drop ?? {}) as Partial<Record<ListKey | 'actors', string[]>>;
  const value: Raw = { ...p };
  if (drop.actors) {
    if (!isObject(p.actors)) throw new DataError('field "drop.actors": the extended scenario has no actors', child.where(['drop', 'actors']));
    const actors = { ...p.actors };
    drop.actors.forEach((code, q) => {
      if (!(code in actors)) throw new DataError(`field "drop.actors.${q}": the extended scenario has no actor "${code}"`, child.where(['drop', 'actors', q]));
      delete actors[code];
    });
    value.actors = actors;
  }
  const origins = new Map<ListKey, Origin[]>();
  for (const [key, v] of Object.entries(c)) {
    if (key === 'extends' || key === 'drop') continue;
    if (key === 'actors' && isObject(v) && isObject(value.actors)) value.actors = { ...value.actors, ...v };
    else if (key in LIST_KEYS && Array.isArray(v)) continue;
    else value[key] = v;
  }
  for (const key of Object.keys(LIST_KEYS) as ListKey[]) {
    const own = Array.isArray(c[key]) ? (c[key] as unknown[]) : [];
    if (!Array.isArray(p[key]) && own.length === 0 && !drop[key]) continue;
    const merged = mergeList(key, Array.isArray(p[key]) ? (p[key] as unknown[]) : [], own, drop[key] ?? [], child.where);
    value[key] = merged.list;
    origins.set(key, merged.origin);
  }
  const where: Locator = (path) => {
    const [key, index, ...rest] = path;
    const origin = typeof key === 'string' && typeof index === 'number' ? origins.get(key as ListKey)?.[index] : undefined;
    if (origin) return origin.child ? child.where([key, origin.index, ...rest]) : parent.where([key, origin.index, ...rest]);
    if (key === 'actors' && typeof index === 'string') return isObject(c.actors) && index in c.actors ? child.where(path) : parent.where(path);
    if (path.length === 0 || (typeof key === 'string' && key in c && !(key in LIST_KEYS))) return child.where(path);
    return parent.where(path);
  };
  return { value, where };
}

/** Where a merged list's item came from: the extending file (child) or the extended one, and its index there. */
interface Origin {
  child: boolean;
  index: number;
}

function mergeList(key: ListKey, parentList: readonly unknown[], own: readonly unknown[], drop: readonly string[], where: Locator): { list: unknown[]; origin: Origin[] } {
  const idKey = LIST_KEYS[key];
  const idOf = (item: unknown) => (isObject(item) && typeof item[idKey] === 'string' ? (item[idKey] as string) : undefined);
  const items = parentList.map((item, index) => ({ item, origin: { child: false, index } }));
  drop.forEach((id, q) => {
    const at = items.findIndex((x) => idOf(x.item) === id);
    if (at < 0) throw new DataError(`field "drop.${key}.${q}": the extended scenario has no ${key === 'branches' ? 'branch' : key.slice(0, -1)} "${id}"`, where(['drop', key, q]));
    items.splice(at, 1);
  });
  own.forEach((item, index) => {
    const id = idOf(item);
    const at = id === undefined ? -1 : items.findIndex((x) => idOf(x.item) === id);
    const entry = { item, origin: { child: true, index } };
    if (at >= 0) items[at] = entry;
    else if (key === 'events' && isObject(item) && typeof item.date === 'string') {
      // After every event dated on or before it: the timeline stays in date order.
      const date = item.date;
      let after = items.length;
      while (after > 0 && !(dateOf(items[after - 1].item) <= date)) after--;
      items.splice(after, 0, entry);
    } else items.push(entry);
  });
  return { list: items.map((x) => x.item), origin: items.map((x) => x.origin) };
}

function dateOf(item: unknown): string {
  return isObject(item) && typeof item.date === 'string' ? item.date : '';
}
