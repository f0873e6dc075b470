/** An error shaped like the SDK's service exceptions. */
export function awsError(name: string, httpStatusCode: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} (simulated)`), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
    ...extra,
  });
}

export const throttled = (): Error => awsError('ThrottlingException', 400, { $retryable: { throttling: true } });
export const unavailable = (): Error => awsError('ServiceUnavailableException', 503);
