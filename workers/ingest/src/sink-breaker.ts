import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, isBrokenCircuitError } from 'cockatiel';

export type BreakerState = 'closed' | 'half_open' | 'open';

export interface SinkBreakerOptions {
  /** Consecutive failed calls that open the breaker. */
  readonly threshold: number;
  /** Time open before a half-open probe is allowed. */
  readonly halfOpenAfterMs: number;
  readonly onStateChange?: (state: BreakerState) => void;
}

/** Numeric form for the `leanops_sink_breaker_state` gauge. */
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * The sink's circuit breaker (cockatiel): opens after `threshold` consecutive failed
 * sink calls, lets one probe through after `halfOpenAfterMs`, closes on its success.
 */
export class SinkBreaker {
  private readonly policy;

  constructor(options: SinkBreakerOptions) {
    this.policy = circuitBreaker(handleAll, {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.threshold),
    });
    const onChange = options.onStateChange;
    if (onChange) this.policy.onStateChange((state) => onChange(toBreakerState(state)));
  }

  get state(): BreakerState {
    return toBreakerState(this.policy.state);
  }

  /** Runs `fn` through the breaker; rejects at once with a BrokenCircuitError when open. */
  execute<T>(fn: () => Promise<T>): Promise<T> {
    return this.policy.execute(fn);
  }
}

function toBreakerState(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return 'closed';
  if (state === CircuitState.HalfOpen) return 'half_open';
  return 'open';
}

export { isBrokenCircuitError };
