/** An input the cost model cannot price: the message names the field and what it accepts. */
export class CostModelError extends Error {
  override name = 'CostModelError';
}
