/**
 * Edits of a task definition's container JSON that SST's `Service` has no option for, and the
 * image tag of a service. Plain TypeScript (runs under vitest and the root tsconfig).
 */

interface ContainerJson {
  name: string;
  portMappings?: unknown[];
  [key: string]: unknown;
}

/** Adds `stopTimeout` to container `name` of a task definition's container JSON. */
export function withStopTimeout(containerDefinitions: string, name: string, seconds: number): string {
  const containers = JSON.parse(containerDefinitions) as ContainerJson[];
  return JSON.stringify(
    containers.map((container) => (container.name === name ? { ...container, stopTimeout: seconds } : container)),
  );
}

/**
 * Sets every container's port mappings to exactly `ports[container]` (TCP; none for a container
 * not named). SST maps `1-65535` on every container, and ECS refuses a port two containers of an
 * awsvpc task both map: with one worker and an ADOT sidecar that is every port.
 *
 * @throws Error naming the port and both containers when two containers are given one port.
 */
export function withContainerPorts(
  containerDefinitions: string,
  ports: Readonly<Record<string, readonly number[]>>,
): string {
  const owner = new Map<number, string>();
  for (const [container, list] of Object.entries(ports)) {
    for (const port of list) {
      if (!Number.isInteger(port) || port < 1 || port > 65_535) {
        throw new Error(`container ${container}: port ${port} is not an integer in 1..65535`);
      }
      const other = owner.get(port);
      if (other !== undefined && other !== container) {
        throw new Error(`containers ${other} and ${container} both map port ${port}: ECS refuses the task definition`);
      }
      owner.set(port, container);
    }
  }
  const containers = JSON.parse(containerDefinitions) as ContainerJson[];
  return JSON.stringify(
    containers.map((container) => ({
      ...container,
      portMappings: (ports[container.name] ?? []).map((containerPort) => ({ containerPort, protocol: 'tcp' })),
    })),
  );
}

/** Docker's tag grammar. */
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * `<app>-<stage>-<service>`: the tag of a service's image in SST's account-wide asset repository,
 * where SST's own tag (the container name) is shared by every app and stage with that name.
 *
 * @throws Error when the tag would not be a valid Docker tag.
 */
export function imageTag(app: string, stage: string, service: string): string {
  const tag = `${app}-${stage}-${service}`;
  if (!TAG_PATTERN.test(tag)) throw new Error(`image tag ${JSON.stringify(tag)} is not a valid Docker tag`);
  return tag;
}

/** `ref` (`<repository>:<tag>`) with the tag `from` replaced by `to`; any other ref unchanged. */
export function retagged(ref: string, from: string, to: string): string {
  return ref.endsWith(`:${from}`) ? `${ref.slice(0, -from.length)}${to}` : ref;
}
