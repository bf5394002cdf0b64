/**
 * The gate file's shape, checked against `gate.schema.json` by a JSON-Schema
 * validator (ajv), so the schema editors read and the rules the gate applies
 * are one text. Everything the schema cannot say (a model exists, a value is
 * in a parameter's range, a property is the model's) is `gate-file.ts`'s job.
 *
 * ajv's own messages name schema keywords (`must match "then" schema`); each
 * is turned here into one line about the field, worded from the schema
 * itself: its property names, enums, bounds and descriptions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { packageRoot } from './package-info.js';

/** Where the schema lives, relative to the package root. */
export const GATE_SCHEMA_FILE = 'gate.schema.json';

/** One problem, at a JSON path such as `checks[3].expect` (`''` for the file as a whole). */
export interface SchemaIssue {
  readonly path: string;
  readonly message: string;
}

interface SchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
}

// ajv is CommonJS: under NodeNext its class is the default export's `default`
// for the type checker and the module itself at run time.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as unknown as typeof Ajv2020Module.default;

let compiled: { readonly schema: SchemaNode; readonly validate: ValidateFunction } | undefined;

/** The schema as published, and its compiled validator (built once). */
export function gateSchema(): { readonly schema: SchemaNode; readonly validate: ValidateFunction } {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(join(packageRoot(), GATE_SCHEMA_FILE), 'utf8')) as SchemaNode;
    // allErrors: every problem at once; verbose: each error carries the schema
    // node it came from, which words the message.
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false });
    compiled = { schema, validate: ajv.compile(schema) };
  }
  return compiled;
}

/** `/checks/3/params/writers` -> `checks[3].params.writers`. */
function jsonPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}

const join2 = (a: string, b: string) => (a === '' ? b : `${a}.${b}`);

/** How a value is named in a message: `string "fine"`, `an object`, `number 1.5`. */
export function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return 'an object';
  return `${typeof x} ${JSON.stringify(x)}`;
}

const article = (type: string) => (type === 'integer' || type === 'array' || type === 'object' ? `an ${type}` : `a ${type}`);
const quoted = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(' or ');

/** A description's first sentence, lower-cased, for "is required: ...". */
function gist(node: SchemaNode | undefined): string {
  const d = node?.description;
  if (!d) return '';
  const first = d.split(/(?<=\.)\s/)[0].replace(/\.$/, '');
  return `: ${first[0].toLowerCase()}${first.slice(1)}`;
}

function issueOf(e: ErrorObject, schema: SchemaNode): SchemaIssue | undefined {
  const path = jsonPath(e.instancePath);
  const node = e.parentSchema as SchemaNode | undefined;
  const got = typeName(e.data);
  // A field that only applies with some `expect` (`if: { required: [field] }`,
  // `then: { properties: { expect: ... } } }`): blame the field, not expect.
  const conditional = /\/allOf\/(\d+)\/then\//.exec(e.schemaPath);
  if (conditional) {
    const allOf = (schema as { $defs?: { check?: { allOf?: { if: SchemaNode }[] } } }).$defs?.check?.allOf ?? [];
    const field = allOf[Number(conditional[1])]?.if.required?.[0];
    const allowed = node?.enum ?? (node && 'const' in node ? [node.const] : []);
    return { path: join2(path.replace(/\.expect$/, ''), field ?? ''), message: `only applies to expect ${quoted(allowed)}` };
  }
  switch (e.keyword) {
    case 'if': // The failing `then` is reported on its own.
    case 'oneOf': // Reported once, below, from the branches' common schema.
      return e.keyword === 'oneOf' ? { path, message: `must be${gist(node).replace(/^: /, ' ')}; got ${got}` } : undefined;
    case 'required': {
      const field = (e.params as { missingProperty: string }).missingProperty;
      return { path: join2(path, field), message: `is required${gist(node?.properties?.[field])}` };
    }
    case 'additionalProperties': {
      const field = (e.params as { additionalProperty: string }).additionalProperty;
      return { path: join2(path, field), message: `unknown field (known: ${Object.keys(node?.properties ?? {}).join(', ')})` };
    }
    case 'enum':
      return { path, message: `must be one of ${(node?.enum ?? []).join(', ')}, got ${got}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(node?.const)}, got ${got}` };
    case 'type':
    case 'minimum':
    case 'maximum':
      if (node?.type === 'integer' && node.minimum !== undefined && node.maximum !== undefined) {
        return { path, message: `must be an integer in ${node.minimum}..${node.maximum}, got ${got}` };
      }
      if (e.keyword === 'type') return { path, message: `must be ${article((e.params as { type: string }).type)}, got ${got}` };
      return { path, message: `${e.message}, got ${got}` };
    case 'minItems':
      return { path, message: `must hold at least ${(e.params as { limit: number }).limit} item${(e.params as { limit: number }).limit === 1 ? '' : 's'}` };
    case 'minLength':
      return { path, message: 'must not be empty' };
    default:
      return { path, message: `${e.message ?? e.keyword}${e.keyword === 'pattern' ? `, got ${got}` : ''}` };
  }
}

/**
 * Every way `json` breaks the schema, one issue per field. The branches of a
 * `oneOf` each fail on their own; only the `oneOf` itself is reported.
 */
export function schemaIssues(json: unknown): SchemaIssue[] {
  const { schema, validate } = gateSchema();
  if (validate(json)) return [];
  const errors = validate.errors ?? [];
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (/\/oneOf\/\d+\//.test(e.schemaPath)) continue;
    const issue = issueOf(e, schema);
    if (!issue) continue;
    const key = `${issue.path}\n${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
