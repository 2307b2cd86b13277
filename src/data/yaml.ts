/**
 * Read a YAML (or JSON) file and validate it against a zod schema; an error
 * names the file, the line of the offending node and the field's path.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { DataError } from '../errors.js';
import { noteRead } from './reads.js';

/** Alias expansions a YAML document may make (the yaml library's default): beyond it, a document is an alias bomb. */
export const YAML_MAX_ALIASES = 100;

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

/** For a union (e.g. a file name or a file object), report the branch that got furthest, with its full path. */
export function deepestIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return issue;
  let best = issue;
  for (const branch of issue.errors) {
    for (const sub of branch) {
      const d = deepestIssue({ ...sub, path: [...issue.path, ...sub.path] });
      if (d.path.length > best.path.length) best = d;
    }
  }
  return best;
}

/** A problem found after the schema passed (cross-references, order), located by its path. */
export interface PathIssue {
  path: (string | number)[];
  message: string;
}

/** Where a path of a document is: its file and line (the line of the node, or of its nearest parent that exists). */
export type Locator = (path: PropertyKey[]) => { file: string; line?: number };

/** A YAML/JSON document parsed (not yet validated): its value and where each path of it is. */
export interface YamlSource {
  value: unknown;
  where: Locator;
}

/** Parse YAML/JSON text into its value, refusing what no one means (hexadecimal numbers, alias bombs). */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length) {
    const err = doc.errors[0];
    throw new DataError(`not valid YAML/JSON: ${err.message.split('\n')[0]}`, { file, line: err.linePos?.[0].line });
  }
  const where: Locator = (path) => {
    // The node itself, or the nearest parent that exists (a missing field is reported at its parent).
    for (let n = path.length; n >= 0; n--) {
      const node = n ? doc.getIn(path.slice(0, n) as (string | number)[], true) : doc.contents;
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return { file, line: lines.linePos(range[0]).line };
    }
    return { file };
  };
  // Numbers in hexadecimal, octal or binary (0x14) are refused, not read as 20: no one means them in a spec.
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'number' && (node.format === 'HEX' || node.format === 'OCT' || node.format === 'BIN')) {
        throw new DataError(`${String(node.source ?? node.value)} is not a decimal number: write numbers in decimal (e.g. 20, 0.25)`, { file, line: node.range ? lines.linePos(node.range[0]).line : undefined });
      }
    },
  });
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: YAML_MAX_ALIASES });
  } catch (e) {
    // The yaml library refuses documents whose aliases expand too far (an "alias bomb").
    if (!/alias/i.test((e as Error).message)) throw e;
    const at = /\*[A-Za-z0-9_-]/.exec(text);
    throw new DataError(`too many YAML alias expansions (more than ${YAML_MAX_ALIASES}): refused (${(e as Error).message.split('\n')[0]})`, { file, line: at ? lines.linePos(at.index).line : undefined });
  }
  return { value, where };
}

/** Read a YAML/JSON file into its value and locator (parseYamlSource); `what` names it if it cannot be read. */
export function readYamlSource(file: string, what = 'file'): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
  noteRead(file);
  return parseYamlSource(text, file);
}

/** Validate a parsed document against a schema; `check` adds cross-field checks. Errors are located by `where`. */
export function validateSource<S extends z.ZodType>(source: YamlSource, schema: S, check?: (value: z.infer<S>) => PathIssue | undefined): z.infer<S> {
  const parsed = schema.safeParse(source.value);
  if (!parsed.success) {
    const issue = deepestIssue(parsed.error.issues[0] as Issue);
    throw new DataError(`field "${issue.path.map(String).join('.') || '(root)'}": ${issue.message}`, source.where(issue.path));
  }
  if (check) failAt(source, check(parsed.data));
  return parsed.data;
}

/** Throw a problem found in a validated document (if any) as an error located in the document. */
export function failAt(source: YamlSource, issue: PathIssue | undefined): void {
  if (issue) throw new DataError(`field "${issue.path.map(String).join('.') || '(root)'}": ${issue.message}`, source.where(issue.path));
}

/** Parse YAML/JSON text and validate it; `check` adds cross-field checks, located like schema errors. */
export function parseYamlWith<S extends z.ZodType>(text: string, file: string, schema: S, check?: (value: z.infer<S>) => PathIssue | undefined): z.infer<S> {
  return validateSource(parseYamlSource(text, file), schema, check);
}

/** Read and validate a YAML/JSON file. */
export function readYamlWith<S extends z.ZodType>(file: string, schema: S, what = 'file', check?: (value: z.infer<S>) => PathIssue | undefined): z.infer<S> {
  return validateSource(readYamlSource(file, what), schema, check);
}
