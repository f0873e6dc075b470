/** Last path segment of a queue URL: its name, a bounded label value. */
export function queueName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}
