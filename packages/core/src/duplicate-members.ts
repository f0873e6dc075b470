/**
 * True when the top-level object of a JSON text (already known to parse) names a member
 * twice. JSON.parse keeps the last one, DuckDB's json_extract the first: such a body
 * cannot be read the same way by every part, so it is DROP `invalid_json` (I-JSON,
 * RFC 7493, forbids duplicate names). A single pass over the text, no allocation per
 * character.
 */
export function hasDuplicateTopLevelMember(text: string): boolean {
  const seen = new Set<string>();
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) break;
        else i++;
      }
      if (depth === 1) {
        // A string at depth 1 followed by ':' is a member name.
        let j = i + 1;
        while (
          j < n &&
          (text.charCodeAt(j) === 0x20 ||
            text.charCodeAt(j) === 0x0a ||
            text.charCodeAt(j) === 0x0d ||
            text.charCodeAt(j) === 0x09)
        )
          j++;
        if (text.charCodeAt(j) === 0x3a /* : */) {
          const raw = text.slice(start, i + 1);
          const name = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
          if (seen.has(name)) return true;
          seen.add(name);
        }
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
    i++;
  }
  return false;
}
