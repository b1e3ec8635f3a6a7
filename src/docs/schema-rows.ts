// Flattens a JSON Schema (as zod's toJSONSchema writes it) into one row per key, for the reference docs.
// Keys are dotted paths: `packages[].name`, `registries.<name>.url`; keys of one variant of a
// discriminated union carry the variant (`kind: github`).

export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

export interface KeyRow {
  key: string;
  type: string;
  required: boolean;
  default: unknown;
  hasDefault: boolean;
  description: string | undefined;
  /** The union variant this key belongs to, e.g. `kind: github`. */
  variant: string | undefined;
}

export function schemaRows(root: JsonSchema): KeyRow[] {
  const rows: KeyRow[] = [];
  const resolve = (s: JsonSchema): JsonSchema => {
    const name = s.$ref?.replace(/^#\/\$defs\//, '');
    return name !== undefined && root.$defs?.[name] ? resolve(root.$defs[name]) : s;
  };
  const visitChildren = (schema: JsonSchema, path: string, variant: string | undefined): void => {
    const s = resolve(schema);
    const variants = s.oneOf ?? s.anyOf;
    if (variants) {
      const objects = variants.map(resolve).filter((v) => v.properties);
      for (const v of objects) visitObject(v, path, objects.length > 1 ? variantLabel(v) : variant);
      return;
    }
    if (s.properties) visitObject(s, path, variant);
    else if (s.items) visitChildren(s.items, `${path}[]`, variant);
    else if (typeof s.additionalProperties === 'object')
      visitChildren(s.additionalProperties, `${path}.<name>`, variant);
  };
  const visitObject = (s: JsonSchema, path: string, variant: string | undefined): void => {
    for (const [name, raw] of Object.entries(s.properties ?? {})) {
      const p = resolve(raw);
      const key = path ? `${path}.${name}` : name;
      rows.push({
        key,
        type: typeName(p, resolve),
        required: (s.required ?? []).includes(name) && !('default' in p),
        default: p.default,
        hasDefault: 'default' in p,
        description: p.description,
        variant,
      });
      visitChildren(p, key, variant);
    }
  };
  visitChildren(root, '', undefined);
  return mergeVariantKeys(rows);
}

/** A variant is named by its `const` discriminator (`kind: github`) or else by its first required key. */
function variantLabel(v: JsonSchema): string {
  for (const [name, p] of Object.entries(v.properties ?? {})) {
    if (p.const !== undefined) return `${name}: ${String(p.const)}`;
  }
  return `with ${v.required?.[0] ?? Object.keys(v.properties ?? {})[0]}`;
}

/**
 * The same key in several variants becomes one row when it means the same in each (a shared `remote`);
 * the discriminator (`kind`) is always one row, listing its values.
 */
function mergeVariantKeys(rows: KeyRow[]): KeyRow[] {
  const out: KeyRow[] = [];
  const byKey = new Map<string, KeyRow>();
  for (const r of rows) {
    const discriminator = r.variant?.startsWith(`${r.key.split('.').at(-1)}: `) === true;
    const id = discriminator
      ? r.key
      : JSON.stringify([r.key, r.type, r.default, r.description, r.required, r.variant === undefined]);
    const seen = byKey.get(id);
    if (!seen) {
      const row = discriminator ? { ...r, variant: undefined } : { ...r };
      if (discriminator) row.description ??= 'Which kind this is; keys marked (kind: …) below apply to that kind only.';
      byKey.set(id, row);
      out.push(row);
      continue;
    }
    if (discriminator) {
      if (!seen.type.split(' | ').includes(r.type)) seen.type = `${seen.type} | ${r.type}`;
    } else if (seen.variant && r.variant) seen.variant = `${seen.variant}, ${r.variant.replace(/^\w+: /, '')}`;
  }
  return out;
}

export function typeName(s: JsonSchema, resolve: (s: JsonSchema) => JsonSchema = (x) => x): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const variants = s.oneOf ?? s.anyOf;
  if (variants) return [...new Set(variants.map((v) => typeName(resolve(v), resolve)))].join(' | ');
  const t = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
  if (t === 'array') return `${s.items ? wrap(typeName(resolve(s.items), resolve)) : 'unknown'}[]`;
  if (t === 'object') {
    if (s.properties) return 'object';
    if (typeof s.additionalProperties === 'object')
      return `map of ${typeName(resolve(s.additionalProperties), resolve)}`;
    return 'object';
  }
  if (t === 'string' && s.format === 'uri') return 'URL';
  return t ?? 'any';
}

const wrap = (t: string) => (t.includes(' ') ? `(${t})` : t);
