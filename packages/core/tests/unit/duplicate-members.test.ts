import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasDuplicateTopLevelMember } from '../../src/duplicate-members.js';

describe('Function: hasDuplicateTopLevelMember', () => {
  it('is false for any object JSON.stringify writes (unique names), whatever the nesting (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        expect(hasDuplicateTopLevelMember(JSON.stringify(obj, null, 1))).toBe(false);
      }),
    );
  });

  it('finds a repeated top-level name, escaped or not, anywhere in the object (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.nat(), (obj, pick) => {
        const names = Object.keys(obj);
        const name = names[pick % names.length] as string;
        const text = JSON.stringify(obj);
        const twice = `${text.slice(0, -1)},${JSON.stringify(name)}:null}`;
        expect(hasDuplicateTopLevelMember(twice)).toBe(true);
      }),
    );
  });
});
