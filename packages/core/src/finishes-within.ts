/**
 * Waits for `work` at most `budgetMs`; true when it finished in time. Work still running
 * after the budget keeps running: the caller decides what to do instead of waiting (the
 * ingest worker hands its messages back, the scheduler force-closes its runs).
 */
export async function finishesWithin(work: Promise<unknown>, budgetMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), budgetMs);
  });
  try {
    return await Promise.race([work.then(() => true as const), budget]);
  } finally {
    clearTimeout(timer);
  }
}
