import { createHash } from 'node:crypto';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { renderStatusPage } from '../../src/status-page.js';

const page = renderStatusPage();
const between = (open: string, close: string): string[] =>
  [...page.matchAll(new RegExp(`${open}([\\s\\S]*?)${close}`, 'g'))].map((m) => m[1] ?? '');
const scripts = between('<script>', '</script>');
const script = scripts[0] ?? '';

describe('Function: renderStatusPage', () => {
  it('is one self-contained HTML document titled "lean-ops status"', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page.trimEnd().endsWith('</html>')).toBe(true);
    expect(between('<title>', '</title>')).toEqual(['lean-ops status']);
    expect(page).toContain('<meta charset="utf-8">');
    expect(scripts).toHaveLength(1);
    expect(between('<style>', '</style>')).toHaveLength(1);
    // No framework, CDN or other resource: the only URL the page uses is its own API.
    expect(page).not.toMatch(/\bsrc=|https?:\/\//);
  });

  it('polls GET /api/status once a second with a script that parses', () => {
    expect(() => new Script(script)).not.toThrow();
    expect(script).toContain("const API = '/api/status';");
    expect(script).toMatch(/fetch\(API, \{ cache: 'no-store'/);
    expect(script).toContain('const POLL_MS = 1000;');
    expect(script).toMatch(/setTimeout\(poll, POLL_MS\)/);
  });

  it('never puts data into the DOM as markup: no innerHTML, outerHTML, insertAdjacentHTML, document.write or eval', () => {
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function']) {
      expect(script, sink).not.toContain(sink);
    }
    // Text goes in through textContent or append() of strings (Text nodes), attributes through setAttribute.
    expect(script).toContain('node.append(child instanceof Node ? child : String(child))');
    expect(script).toContain('node.setAttribute(key, String(value))');
  });

  it('marks each topic section with data-topic and shows a disconnected state', () => {
    expect(script).toContain("h('section', { class: 'topic', 'data-topic': t.topic }");
    expect(script).toContain("connection('disconnected', ");
    expect(page).toContain('<span id="connection" class="pill" data-state="connecting">');
  });

  it('allows exactly its own inline script and style through the Content-Security-Policy', () => {
    const csp = between('<meta http-equiv="Content-Security-Policy" content="', '">')[0] ?? '';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(between('<style>', '</style>')[0] ?? '')}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');
  });
});
