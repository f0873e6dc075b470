import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON of a value parsed from JSON: keys sorted by UTF-16
 * code units, ECMAScript number formatting, no insignificant whitespace. Uses the
 * reference implementation by the RFC's author.
 *
 * Throws `RangeError` for values nested too deeply for the call stack; callers that
 * handle untrusted input classify that as a DROP.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}
