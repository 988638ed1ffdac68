import spec from '../../openapi.json';

/** A JSON schema node of openapi.json, as far as the CLI reads it. */
export interface SchemaNode {
  type?: string;
  $ref?: string;
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
}

interface Operation {
  requestBody?: { content?: Record<string, { schema?: SchemaNode }> };
}

const document = spec as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaNode> };
};

/** The JSON request body schema of `method route` in the committed openapi.json (the typed client's contract). */
export function requestSchema(method: string, route: string): SchemaNode | undefined {
  return resolve(document.paths[route]?.[method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema);
}

/** Follows `$ref` and single-branch `allOf` wrappers (how @nestjs/swagger nests DTOs). */
export function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let depth = 0; current && depth < 10; depth++) {
    if (current.$ref) current = document.components.schemas[current.$ref.replace('#/components/schemas/', '')];
    else if (current.allOf?.length === 1 && !current.properties) current = current.allOf[0];
    else return current;
  }
  return current;
}

/** The node and its oneOf/anyOf/allOf alternatives, resolved (a field may live in any of them). */
function branches(node: SchemaNode | undefined): SchemaNode[] {
  const resolved = resolve(node);
  if (!resolved) return [];
  return [resolved, ...[...(resolved.oneOf ?? []), ...(resolved.anyOf ?? []), ...(resolved.allOf ?? [])].flatMap(branches)];
}

function child(node: SchemaNode | undefined, segment: string): SchemaNode | undefined {
  for (const branch of branches(node)) {
    const property = branch.properties?.[segment];
    if (property) return resolve(property);
    if (branch.additionalProperties === true) return {};
    if (branch.additionalProperties) return resolve(branch.additionalProperties);
  }
  return undefined;
}

/** The schema of `a.b.c` under `root`, or undefined when the path names no field. */
export function fieldSchema(root: SchemaNode | undefined, segments: string[]): SchemaNode | undefined {
  let node = resolve(root);
  for (const segment of segments) {
    node = child(node, segment);
    if (!node) return undefined;
  }
  return node;
}

export function fieldNames(node: SchemaNode | undefined): string[] {
  return [...new Set(branches(node).flatMap((branch) => Object.keys(branch.properties ?? {})))];
}
