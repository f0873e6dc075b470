/** Lookups over the resources an app run recorded (sst-harness.ts). */
import type { AppRun, RecordedResource } from './sst-harness';

type Resources = readonly RecordedResource[];

export function ofType(resources: Resources, type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

/** The resource of `type` named `name`; throws listing the names of that type when there is none. */
export function one(resources: Resources, type: string, name: string): RecordedResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    const names = ofType(resources, type).map((r) => r.name);
    throw new Error(`no ${type} named ${name}; recorded: ${names.join(', ') || 'none'}`);
  }
  return found;
}

/** A JSON string input (policies, container definitions), parsed. */
export function parsed<T>(value: unknown): T {
  if (typeof value !== 'string') throw new Error(`expected a JSON string, got ${JSON.stringify(value)}`);
  return JSON.parse(value) as T;
}

export interface ContainerDefinition {
  name: string;
  image: string;
  stopTimeout?: number;
  healthCheck?: { command: string[]; startPeriod: number };
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
}

/** The container definitions of an `sst.aws.Service` named `service`. */
export function containersOf(run: AppRun, service: string): ContainerDefinition[] {
  return parsed(
    one(run.resources, 'aws:ecs/taskDefinition:TaskDefinition', `${service}Task`).inputs.containerDefinitions,
  );
}

/** The worker container of a service (the first; an ADOT sidecar comes after it). */
export function workerOf(run: AppRun, service: string): ContainerDefinition {
  const [worker] = containersOf(run, service);
  if (!worker) throw new Error(`${service} has no containers`);
  return worker;
}

/** The worker container's plain environment, without SST's own `SST_RESOURCE_*` variables. */
export function environmentOf(container: ContainerDefinition): Record<string, string> {
  return Object.fromEntries(
    container.environment.filter((e) => !e.name.startsWith('SST_RESOURCE_')).map((e) => [e.name, e.value]),
  );
}

/** Statements of the inline policy of the role named `role`. */
export function roleStatements(resources: Resources, role: string): PolicyStatement[] {
  const inline = one(resources, 'aws:iam/role:Role', role).inputs.inlinePolicies as { policy: string }[] | undefined;
  return (inline ?? []).flatMap((p) => parsed<PolicyDocument>(p.policy).Statement);
}

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Statement: PolicyStatement[];
}

export function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Every action the statements of `role` allow on `resource` (exact resource string). */
export function actionsOn(statements: readonly PolicyStatement[], resource: string): string[] {
  return statements.filter((s) => asList(s.Resource).includes(resource)).flatMap((s) => asList(s.Action));
}
