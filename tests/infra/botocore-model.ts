/**
 * A small validator over botocore's service models (the JSON the AWS CLI and boto3 validate
 * requests with): checks a request's members, enums, min/max (numbers, string lengths, list
 * sizes) and patterns. The models ship gzipped in .venv's botocore (scripts/provision.sh).
 * It validates what AWS's API declares; rules only the documentation states are not in it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT } from './sst-harness';

interface Shape {
  type: string;
  members?: Record<string, { shape: string }>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
}

export interface ServiceModel {
  readonly service: string;
  readonly shapes: Readonly<Record<string, Shape>>;
  readonly operations: Readonly<Record<string, { input?: { shape: string } }>>;
}

const BOTOCORE_DATA = join(ROOT, '.venv', 'lib', 'python3.11', 'site-packages', 'botocore', 'data');

/** The newest API version of `service` botocore ships. @throws naming the path when it is missing. */
export function loadServiceModel(service: string): ServiceModel {
  const dir = join(BOTOCORE_DATA, service);
  if (!existsSync(dir)) {
    throw new Error(`botocore model of ${service} not found under ${dir}: run npm run provision (.venv with boto3)`);
  }
  const version = readdirSync(dir).sort().at(-1) as string;
  const gz = join(dir, version, 'service-2.json.gz');
  const raw = existsSync(gz) ? gunzipSync(readFileSync(gz)) : readFileSync(join(dir, version, 'service-2.json'));
  const model = JSON.parse(raw.toString('utf8')) as Omit<ServiceModel, 'service'>;
  return { service, shapes: model.shapes, operations: model.operations };
}

/** A botocore pattern as AWS applies it (the whole value), or undefined when JS cannot compile it. */
function compiled(pattern: string): RegExp | undefined {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(`^(?:${pattern})$`, flags);
    } catch {
      // Java-only syntax in some models: try without Unicode mode, else leave the pattern unchecked.
    }
  }
  return undefined;
}

function check(model: ServiceModel, shapeName: string, value: unknown, path: string, out: string[]): void {
  const shape = model.shapes[shapeName];
  if (!shape) throw new Error(`${model.service}: no shape ${shapeName}`);
  if (value === undefined || value === null) return;
  const range = (n: number, what: string) => {
    if (shape.min !== undefined && n < shape.min) out.push(`${path}: ${what} ${n} < min ${shape.min}`);
    if (shape.max !== undefined && n > shape.max) out.push(`${path}: ${what} ${n} > max ${shape.max}`);
  };
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        out.push(`${path}: expected a structure (${shapeName})`);
        return;
      }
      const record = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        if (record[name] === undefined) out.push(`${path}.${name}: required by ${shapeName}`);
      }
      for (const [name, inner] of Object.entries(record)) {
        const member = shape.members?.[name];
        if (!member) out.push(`${path}.${name}: not a member of ${shapeName}`);
        else check(model, member.shape, inner, `${path}.${name}`, out);
      }
      return;
    }
    case 'list':
      if (!Array.isArray(value)) {
        out.push(`${path}: expected a list (${shapeName})`);
        return;
      }
      range(value.length, 'length');
      value.forEach((item, i) => {
        check(model, shape.member?.shape as string, item, `${path}[${i}]`, out);
      });
      return;
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) {
        out.push(`${path}: expected a map (${shapeName})`);
        return;
      }
      range(Object.keys(value).length, 'entries');
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        check(model, shape.key?.shape as string, key, `${path}{${key}}`, out);
        check(model, shape.value?.shape as string, inner, `${path}.${key}`, out);
      }
      return;
    case 'string': {
      if (typeof value !== 'string') {
        out.push(`${path}: expected a string, got ${JSON.stringify(value)}`);
        return;
      }
      if (shape.enum && !shape.enum.includes(value)) {
        out.push(`${path}: ${JSON.stringify(value)} is not one of ${shape.enum.join(', ')}`);
      }
      range(value.length, 'length');
      const pattern = shape.pattern === undefined ? undefined : compiled(shape.pattern);
      if (pattern && !pattern.test(value))
        out.push(`${path}: ${JSON.stringify(value)} does not match ${shape.pattern}`);
      return;
    }
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        out.push(`${path}: expected an integer, got ${JSON.stringify(value)}`);
        return;
      }
      range(value, 'value');
      return;
    case 'double':
    case 'float':
      if (typeof value !== 'number') out.push(`${path}: expected a number, got ${JSON.stringify(value)}`);
      else range(value, 'value');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${path}: expected a boolean, got ${JSON.stringify(value)}`);
      return;
    default:
      return;
  }
}

/**
 * The problems of `request` as the input of `operation` (empty when valid), each naming the
 * field path from `label`.
 */
export function validateRequest(model: ServiceModel, operation: string, request: unknown, label: string): string[] {
  const input = model.operations[operation]?.input?.shape;
  if (!input) throw new Error(`${model.service}: no operation ${operation}`);
  const out: string[] = [];
  check(model, input, request, label, out);
  return out;
}
