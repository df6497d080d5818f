import { describe, expect, it } from 'vitest';
import { cspProblems } from './csp';
import sourceHtml from '../index.html?raw';

describe('cspProblems', () => {
  it('accepts a page that only references its own files', () => {
    const built = `<!doctype html><html><head>
      <script type="module" crossorigin src="./assets/index-abc.js"></script>
      <link rel="stylesheet" crossorigin href="./assets/index-def.css">
      </head><body><div id="app"></div></body></html>`;
    expect(cspProblems(built)).toEqual([]);
  });

  it('finds inline scripts, styles, handlers and foreign resources', () => {
    expect(cspProblems('<script>window.x = 1</script>')).toEqual(['inline <script> without src']);
    expect(cspProblems('<script src="a.js">alert(1)</script>')).toEqual(['<script src> with an inline body']);
    expect(cspProblems('<style>body{}</style>')).toEqual(['inline <style> element']);
    expect(cspProblems('<div style="color:red"></div>')).toEqual(['style="" attribute']);
    expect(cspProblems('<body onload="go()">')).toEqual(['inline event handler attribute (on...=)']);
    expect(cspProblems('<link href="https://cdn.example.com/x.css">')).toEqual(['resource from another origin']);
    expect(cspProblems('<script src="//cdn.example.com/x.js"></script>')).toEqual(['resource from another origin']);
    expect(cspProblems('<a href="javascript:void(0)">x</a>')).toEqual(['javascript: URL']);
  });

  it('finds nothing in the source index.html', () => {
    expect(sourceHtml).toMatch(/<script type="module" src="\/src\/main.ts"><\/script>/);
    expect(cspProblems(sourceHtml)).toEqual([]);
  });
});
