import { CostModelError } from './cost-model-error.js';

/** A Fargate task size as stacks/stage.ts writes it: `{ cpu: '0.5 vCPU', memory: '1 GB' }`. */
export interface TaskSize {
  readonly cpu: string;
  readonly memory: string;
}

/** vCPUs and GB of a task size. */
export function parseTaskSize(size: TaskSize, field: string): { vcpu: number; gb: number } {
  const vcpu = /^(\d+(?:\.\d+)?) vCPU$/.exec(size.cpu);
  const gb = /^(\d+(?:\.\d+)?) GB$/.exec(size.memory);
  if (!vcpu || !gb) {
    throw new CostModelError(`${field}: expected { cpu: '<n> vCPU', memory: '<n> GB' } (got ${JSON.stringify(size)})`);
  }
  return { vcpu: Number(vcpu[1]), gb: Number(gb[1]) };
}
