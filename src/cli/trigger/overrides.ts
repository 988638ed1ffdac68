import { usageError } from '../errors';
import { fieldNames, fieldSchema, requestSchema, SchemaNode } from '../openapi-schema';
import type { RecipeStep } from './recipe-steps';

/** Applies `--override [step.]dotted.path=value` to copies of the steps' bodies (checked against openapi.json). */
export function applyOverrides(steps: RecipeStep[], overrides: string[]): Array<Record<string, unknown>> {
  const bodies = steps.map((step) => structuredClone(step.body));
  for (const override of overrides) {
    const { stepIndex, path, raw } = parseOverride(steps, override);
    const step = steps[stepIndex];
    const root = requestSchema(step.method, step.route);
    const schema = fieldSchema(root, path);
    if (!schema) {
      const parent = fieldSchema(root, path.slice(0, -1));
      throw usageError(
        `--override ${override}: ${step.method.toUpperCase()} ${step.route} has no field "${path.join('.')}"` +
          ` (fields${path.length > 1 ? ` of ${path.slice(0, -1).join('.')}` : ''}: ${fieldNames(parent).join(', ') || 'none'}).`,
      );
    }
    setPath(bodies[stepIndex], path, coerce(override, raw, schema));
  }
  return bodies;
}

function parseOverride(steps: RecipeStep[], override: string): { stepIndex: number; path: string[]; raw: string } {
  const equals = override.indexOf('=');
  if (equals <= 0) throw usageError(`--override ${override}: expected path=value, e.g. payment.amount=5000.`);
  const segments = override.slice(0, equals).split('.');
  if (segments.some((segment) => segment === '')) throw usageError(`--override ${override}: empty segment in the path.`);
  const named = steps.findIndex((step) => step.name === segments[0]);
  const stepIndex = named >= 0 && segments.length > 1 ? named : 0;
  const path = named >= 0 && segments.length > 1 ? segments.slice(1) : segments;
  return { stepIndex, path, raw: override.slice(equals + 1) };
}

/** The value as the schema types it: numbers and booleans parsed, objects and arrays as JSON, strings as given. */
function coerce(override: string, raw: string, schema: SchemaNode): unknown {
  switch (schema.type) {
    case 'string':
      return raw;
    case 'number':
    case 'integer': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) throw usageError(`--override ${override}: "${raw}" is not a number.`);
      return value;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw usageError(`--override ${override}: expected true or false.`);
      return raw === 'true';
    default:
      try {
        return JSON.parse(raw);
      } catch {
        if (schema.type === 'object' || schema.type === 'array') throw usageError(`--override ${override}: expected JSON (an ${schema.type}).`);
        return raw;
      }
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    node = (node[segment] = next && typeof next === 'object' ? next : {}) as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}
