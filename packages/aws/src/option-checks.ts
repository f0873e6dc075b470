import { ConfigError } from '@lean-ops/core';

/**
 * Collects option problems, each as `name: what was expected (got …)`, and throws one
 * `ConfigError` listing all of them.
 */
export class OptionChecks {
  private readonly issues: string[] = [];

  constructor(private readonly source: string) {}

  /** The value must be an AWS SDK v3 client (something with a `send` method). */
  client(name: string, value: unknown): this {
    if (typeof (value as { send?: unknown } | null | undefined)?.send !== 'function') {
      this.issues.push(`${name}: expected an AWS SDK v3 client (got ${describe(value)})`);
    }
    return this;
  }

  func(name: string, value: unknown, optional = false): this {
    if (optional && value === undefined) return this;
    if (typeof value !== 'function') this.issues.push(`${name}: expected a function (got ${describe(value)})`);
    return this;
  }

  nonEmptyString(name: string, value: unknown): this {
    if (typeof value !== 'string' || value === '') {
      this.issues.push(`${name}: expected a non-empty string (got ${describe(value)})`);
    }
    return this;
  }

  string(name: string, value: unknown): this {
    if (value !== undefined && typeof value !== 'string') {
      this.issues.push(`${name}: expected a string (got ${describe(value)})`);
    }
    return this;
  }

  /** An integer in [min, max]; `undefined` (use the default) passes. */
  integer(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): this {
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < min || (value as number) > max)) {
      this.issues.push(`${name}: expected an integer ${min}–${max} (got ${describe(value)})`);
    }
    return this;
  }

  /** A finite number ≥ `min`; `undefined` (use the default) passes. */
  number(name: string, value: unknown, min: number): this {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < min)) {
      this.issues.push(`${name}: expected a number ≥ ${min} (got ${describe(value)})`);
    }
    return this;
  }

  /** An optional `AdapterLogger`: anything with a `warn(fields, message)` method. */
  logger(name: string, value: unknown): this {
    if (value !== undefined && typeof (value as { warn?: unknown } | null)?.warn !== 'function') {
      this.issues.push(`${name}: expected an object with a warn(fields, message) method`);
    }
    return this;
  }

  /** Records `problem` unless `ok`; for rules across several options. */
  rule(ok: boolean, problem: string): this {
    if (!ok) this.issues.push(problem);
    return this;
  }

  /** Throws the `ConfigError` if any check failed. */
  done(): void {
    if (this.issues.length > 0) throw new ConfigError(this.source, this.issues);
  }
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}
