import { describe, expect, it } from 'vitest';
import { isRetryableAwsError } from '../../src/index.js';
import { awsError, throttled, unavailable } from '../helpers/aws-errors.js';

describe('Function: isRetryableAwsError', () => {
  it.each([
    ['throttling ($retryable)', throttled()],
    ['a 5xx', unavailable()],
    ['a 500 with an unknown name', awsError('Whatever', 500)],
    ['HTTP 429', awsError('Whatever', 429)],
    ['ProvisionedThroughputExceededException', awsError('ProvisionedThroughputExceededException', 400)],
    ['a reset socket', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['an SDK timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('%s is retryable', (_, err) => expect(isRetryableAwsError(err)).toBe(true));

  it.each([
    ['a validation error', awsError('ValidationException', 400)],
    ['a missing stream', awsError('ResourceNotFoundException', 400)],
    ['an abort', Object.assign(new Error('aborted'), { name: 'AbortError' })],
    ['a plain Error', new Error('bug')],
    ['a string', 'oops'],
  ])('%s is not retryable', (_, err) => expect(isRetryableAwsError(err)).toBe(false));
});
