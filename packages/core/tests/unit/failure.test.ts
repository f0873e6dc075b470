import { describe, expect, it } from 'vitest';
import { classifyFailure, dropReasonKind, PermanentError, RetryableError } from '../../src/index.js';

describe('Function: classifyFailure — contract §2 RETRY', () => {
  it('a PermanentError is a DROP', () => expect(classifyFailure(new PermanentError('bad record'))).toBe('DROP'));
  it('a serialised PermanentError (name only) is a DROP', () =>
    expect(classifyFailure({ name: 'PermanentError', message: 'x' })).toBe('DROP'));
  it.each([
    ['RetryableError', new RetryableError('x')],
    [
      'throttling',
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $retryable: { throttling: true } }),
    ],
    [
      '5xx',
      Object.assign(new Error('oops'), { name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } }),
    ],
    ['network', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['unknown', new Error('who knows')],
    ['a non-error', 'string thrown'],
  ])('%s is a RETRY', (_, err) => expect(classifyFailure(err)).toBe('RETRY'));
});

describe('Function: dropReasonKind', () => {
  it('strips the field for metric labels', () => {
    expect(dropReasonKind('missing_field:payload')).toBe('missing_field');
    expect(dropReasonKind('too_large')).toBe('too_large');
  });
});
