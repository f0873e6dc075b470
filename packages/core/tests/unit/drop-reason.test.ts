import { describe, expect, it } from 'vitest';
import { dropReasonKind } from '../../src/index.js';

describe('Function: dropReasonKind', () => {
  it('strips the field for metric labels', () => {
    expect(dropReasonKind('missing_field:payload')).toBe('missing_field');
    expect(dropReasonKind('too_large')).toBe('too_large');
  });
});
