/**
 * The app runs under a CSP without 'unsafe-inline' (see src-tauri/tauri.conf.json):
 * a page may load scripts and styles only from files of its own origin. This finds what
 * in an HTML page would break that; the build fails on any finding (see vite.config.ts).
 */
export function cspProblems(html: string): string[] {
  const problems: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attrs = match[1] ?? '';
    const body = match[2] ?? '';
    if (!/\bsrc\s*=/i.test(attrs)) problems.push('inline <script> without src');
    else if (body.trim() !== '') problems.push('<script src> with an inline body');
  }
  if (/<style\b/i.test(html)) problems.push('inline <style> element');
  if (/<[a-z][^>]*\sstyle\s*=/i.test(html)) problems.push('style="" attribute');
  if (/<[a-z][^>]*\son[a-z]+\s*=/i.test(html)) problems.push('inline event handler attribute (on...=)');
  if (/\b(?:src|href)\s*=\s*["']?(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(html)) problems.push('resource from another origin');
  if (/\b(?:src|href)\s*=\s*["']?javascript:/i.test(html)) problems.push('javascript: URL');
  return problems;
}
