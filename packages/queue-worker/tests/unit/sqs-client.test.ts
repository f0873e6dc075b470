import { describe, expect, it } from 'vitest';
import { sqsChecksumSettings } from '../../src/index.js';

describe('sqsChecksumSettings', () => {
  it('skips the MD5 check over TLS and loopback only', () => {
    expect(sqsChecksumSettings(undefined)).toEqual({ md5: false });
    expect(sqsChecksumSettings('https://sqs.eu-west-1.amazonaws.com')).toEqual({ md5: false });
    expect(sqsChecksumSettings('http://127.0.0.1:4566')).toEqual({ md5: false });
    expect(sqsChecksumSettings('http://sqs.internal:9324')).toEqual({});
  });
});
