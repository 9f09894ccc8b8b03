// Swagger 2.0 schemas to TypeScript declarations: the part of engine-api-gen.ts that knows
// JSON Schema. Each schema is known by its JSON pointer, so that a $ref and an inline object
// lifted out under a name (HostConfig's LogConfig) are recognised the same way.

export interface Schema {
  type?: string;
  description?: string;
  title?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  allOf?: Schema[];
  $ref?: string;
  enum?: unknown[];
  required?: string[];
  in?: string;
  'x-nullable'?: boolean;
  'x-omitempty'?: boolean;
}

export interface RenderInput {
  header: string;
  /** Pointers to emit first, in this order (their names in `named`). */
  roots: string[];
  /** Pointer → the name it is emitted under; $refs to other definitions are added as met. */
  named: Map<string, string>;
  /** Pointers not followed: typed as opaque JSON objects. */
  opaque: ReadonlySet<string>;
  /** Pointers whose enum lists some values of an open set: typed as their plain type. */
  openEnums: ReadonlySet<string>;
  lookup: (pointer: string) => Schema | undefined;
}

interface Field { name: string; schema: Schema; pointer: string; required: boolean }

export function render(o: RenderInput): string {
  const queue = [...o.roots];
  const done = new Set<string>();
  const out = [o.header];
  const get = (pointer: string): Schema => {
    const s = o.lookup(pointer);
    if (!s) throw new Error(`${pointer}: not in the spec`);
    return s;
  };
  const nameOf = (pointer: string): string => {
    let name = o.named.get(pointer);
    if (name === undefined) {
      name = /^#\/definitions\/([A-Za-z0-9]+)$/.exec(pointer)?.[1];
      if (!name) throw new Error(`${pointer}: a reference to something other than a definition`);
      if ([...o.named.values()].includes(name)) throw new Error(`${pointer}: the name ${name} is taken`);
      o.named.set(pointer, name);
    }
    if (!done.has(pointer)) queue.push(pointer);
    return name;
  };

  /** The properties of an object schema, allOf parts and their $refs flattened in order. */
  const fieldsOf = (s: Schema, pointer: string): Field[] => {
    if (s.$ref) return fieldsOf(get(s.$ref), s.$ref);
    const parts = (s.allOf ?? []).flatMap((p, i) => fieldsOf(p, `${pointer}/allOf/${i}`));
    const required = new Set(s.required ?? []);
    const own = Object.entries(s.properties ?? {}).map(([name, schema]) => ({
      name, schema, pointer: `${pointer}/properties/${name}`, required: required.has(name) || schema['x-omitempty'] === false,
    }));
    return [...parts, ...own];
  };

  /** An allOf of one part beside a description only says "this type, documented here". */
  const unwrap = (s: Schema): Schema => (s.allOf?.length === 1 && !s.properties ? { ...s.allOf[0], 'x-nullable': s['x-nullable'] ?? s.allOf[0]!['x-nullable'] } : s);

  const isObject = (s: Schema): boolean => {
    const u = unwrap(s);
    return u.properties !== undefined || (u.allOf?.length ?? 0) > 1;
  };

  /** Go's encoding/json writes a nil slice or map as null; a nil pointer only where marked. */
  const nullable = (s: Schema): boolean => {
    const u = unwrap(s);
    const target = u.$ref && !o.opaque.has(u.$ref) ? get(u.$ref) : undefined;
    const marked = u['x-nullable'] ?? target?.['x-nullable'];
    if (marked !== undefined) return marked;
    const kind = target ?? u;
    return kind.type === 'array' || (kind.type === 'object' && typeof kind.additionalProperties === 'object');
  };

  const typeOf = (s0: Schema, pointer: string, indent: string): string => {
    const own = o.named.get(pointer);
    if (own !== undefined && indent !== '') return own;
    const s = unwrap(s0);
    if (s.$ref) return o.opaque.has(s.$ref) ? 'Record<string, unknown>' : nameOf(s.$ref);
    if (s !== s0) return typeOf(s, `${pointer}/allOf/0`, indent);
    if (isObject(s)) return objectLiteral(fieldsOf(s, pointer), indent);
    if (s.enum && !o.openEnums.has(pointer) && s.enum.every((v) => typeof v === 'string' || typeof v === 'number')) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
    switch (s.type) {
      case 'array': {
        const elem = typeOf(s.items ?? {}, `${pointer}/items`, indent);
        return /[|&]/.test(elem) ? `(${elem})[]` : `${elem}[]`;
      }
      case 'object': {
        const ap = s.additionalProperties;
        if (typeof ap !== 'object') return 'Record<string, unknown>';
        // A bare `type: object` value is Go's struct{} (ExposedPorts) or interface{} (a volume's Status).
        const bare = ap.type === 'object' && !ap.properties && !ap.additionalProperties && !ap.allOf;
        const value = bare ? 'unknown' : typeOf(ap, `${pointer}/additionalProperties`, indent);
        return `Record<string, ${value}${ap['x-nullable'] === true ? ' | null' : ''}>`;
      }
      case 'string': return 'string';
      case 'integer': case 'number': return 'number';
      case 'boolean': return 'boolean';
      default: return 'unknown';
    }
  };

  const objectLiteral = (fields: Field[], indent: string): string => {
    const inner = `${indent}  `;
    const lines = fields.map((f) => {
      const type = typeOf(f.schema, f.pointer, inner) + (nullable(f.schema) ? ' | null' : '');
      const key = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(f.name) ? f.name : JSON.stringify(f.name);
      return `${doc(f.schema, inner)}${inner}${key}${f.required ? '' : '?'}: ${type};\n`;
    });
    return `{\n${lines.join('')}${indent}}`;
  };

  while (queue.length > 0) {
    const pointer = queue.shift()!;
    if (done.has(pointer)) continue;
    done.add(pointer);
    const s = get(pointer);
    const name = o.named.get(pointer)!;
    const body = isObject(s) ? `export interface ${name} ${objectLiteral(fieldsOf(unwrap(s), pointer), '')}` : `export type ${name} = ${typeOf(s, pointer, '')};`;
    out.push(`${doc(s, '')}${body}\n`);
  }
  return out.join('\n');
}

/** The description's first sentence (or the title), as a doc comment: the spec wraps its
 * descriptions at 80 columns, so a first line alone often stops mid-sentence. */
function doc(s: Schema, indent: string): string {
  const lines = (s.description ?? s.title ?? '').trim().split(/\n\s*\n/)[0]!.split('\n').map((l) => l.trim());
  // A Markdown list: its first item only.
  const paragraph = lines[0]?.startsWith('- ') ? lines[0] : lines.join(' ');
  const text = paragraph.split(/(?<=\.)\s+(?=[A-Z`])/)[0]!;
  return text ? `${indent}/** ${text.replaceAll('*/', '*\\/')} */\n` : '';
}
