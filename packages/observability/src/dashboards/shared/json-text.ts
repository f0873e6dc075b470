const LINE_WIDTH = 120;
const INDENT = '  ';

const isPrimitive = (value: unknown) => value === null || typeof value !== 'object';

function format(value: unknown, indent: string, prefixWidth: number): string {
  if (isPrimitive(value)) return JSON.stringify(value);
  const inner = indent + INDENT;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    // Biome keeps an array of scalars on one line when it fits.
    if (value.every(isPrimitive)) {
      const flat = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
      if (prefixWidth + flat.length <= LINE_WIDTH) return flat;
    }
    return `[\n${value.map((v) => `${inner}${format(v, inner, inner.length)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([k, v]) => {
    const key = `${inner}${JSON.stringify(k)}: `;
    return `${key}${format(v, inner, key.length + 1)}`;
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/** JSON text as the repository's formatter (Biome) writes it, so that the generated files pass `npm run lint`. */
export function jsonText(value: unknown): string {
  // Through JSON first: drops what JSON has no form for (the SDK's marker methods, undefined).
  return `${format(JSON.parse(JSON.stringify(value)), '', 0)}\n`;
}
