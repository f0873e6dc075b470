/** What a queue worker's `close()` reports. */
export interface CloseResult {
  /** True when everything was finished and acknowledged within the budget. */
  readonly drained: boolean;
  /** Messages handed back to their queue unfinished (they are redelivered, not lost). */
  readonly released: number;
}
