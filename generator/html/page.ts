// One self-contained HTML page (no network: charts inline as SVG, pictures inline as data: URIs) for every report.

/** Escapes text for HTML element content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A PNG's bytes as an <img> with a data: URI. */
export function pngImg(png: Uint8Array, alt: string, attrs = ''): string {
  return `<img alt="${esc(alt)}" src="data:image/png;base64,${Buffer.from(png).toString('base64')}"${attrs ? ' ' + attrs : ''}>`;
}

/** A table from header cells and rows (cells are text, escaped here). */
export function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

export interface Section {
  /** Anchor id, unique in the page. */
  id: string;
  title: string;
  /** HTML already escaped/built by the caller (charts' SVG, tables, pictures, notes). */
  body: string;
}

/** A chart's SVG wrapped so the page (and its tests) can find and count it. */
export function figure(svg: string, caption: string): string {
  return `<figure class="chart">${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

/** A note in place of a section that has no data, naming the command that fills it. */
export function missing(what: string, command: string): string {
  return `<p class="missing">No ${esc(what)} here: <code>${esc(command)}</code> writes it.</p>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
nav a{margin-right:12px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
th{background:#f3f3f3}figure.chart{display:inline-block;margin:8px 16px 8px 0;vertical-align:top}
figcaption{font-size:12px;color:#555;width:0;min-width:100%}p.missing{color:#855;font-style:italic}img{image-rendering:pixelated}
.meta{color:#555;font-size:12px}`;

/** The whole page: title, a line of facts, a table of contents and the sections in order. */
export function page(title: string, meta: string, sections: readonly Section[]): string {
  const nav = sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('');
  const body = sections.map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>\n${s.body}\n</section>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><h1>${esc(title)}</h1><p class="meta">${esc(meta)}</p><nav>${nav}</nav>
${body}
</body></html>
`;
}
