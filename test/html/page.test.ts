// The HTML page shell and the chart renderer: self-contained output, escaping, deterministic SVG.
import assert from 'node:assert/strict';
import { chartSvg } from '../../generator/html/charts.ts';
import { esc, figure, missing, page, table } from '../../generator/html/page.ts';

describe('html: page shell and charts', () => {
  it('renders a Vega-Lite bar chart to SVG in Node, byte-identical on a second run', async () => {
    const spec = {
      data: { values: [{ op: 'qkv', ms: 3 }, { op: 'proj', ms: 1.5 }] },
      mark: 'bar' as const,
      encoding: { x: { field: 'op', type: 'nominal' as const }, y: { field: 'ms', type: 'quantitative' as const } },
    };
    const a = await chartSvg(spec);
    assert.match(a, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(a, /qkv/);
    assert.equal(await chartSvg(spec), a);
  });

  it('escapes text and builds a page with no external reference', () => {
    assert.equal(esc(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const html = page('t <1>', 'meta', [
      { id: 'a', title: 'A', body: table(['op', 'ms'], [['<q>', 1]]) + figure('<svg></svg>', 'c') },
      { id: 'b', title: 'B', body: missing('trace', 'edgemoe csim --trace') },
    ]);
    assert.match(html, /<title>t &lt;1&gt;<\/title>/);
    assert.match(html, /<td>&lt;q&gt;<\/td>/);
    assert.equal((html.match(/<figure class="chart">/g) ?? []).length, 1);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
  });
});
