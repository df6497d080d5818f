import { describe, expect, it } from 'vitest';
import html from '../index.html?raw';

// The app runs under a CSP without 'unsafe-inline': the page may only load scripts and
// styles from files. This guards the source page; the build adds only external files.
describe('index.html', () => {
  it('has no inline script and no inline style', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('loads nothing from another origin', () => {
    expect(html).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//i);
  });
});
