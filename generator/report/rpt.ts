// The text csynth report (<top>_csynth.rpt): the top summary rows and the per-instance tables, which the XML of
// Vivado HLS lacks. Tables are ASCII grids ("|a |b |"); we read them by their header cells, not by column position.

/** One sub-module instance from the rpt's "Detail / Instance" tables. */
export interface RptInstance {
  instance: string;
  module: string;
  latencyMin: number | null;
  latencyMax: number | null;
  intervalMin: number | null;
  intervalMax: number | null;
  pipeline: string | null;
  BRAM_18K: number | null;
  DSP: number | null;
  FF: number | null;
  LUT: number | null;
  URAM: number | null;
}

/** What the rpt adds to the XML. */
export interface RptReport {
  top: string | null;
  /** Row "Total" / "Available" of the utilisation summary, by column name (DSP48E normalised to DSP). */
  total: Record<string, number | null>;
  available: Record<string, number | null>;
  instances: RptInstance[];
}

const num = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const t = s.trim();
  if (t === '' || t === '-' || t === '?' || /^undef/i.test(t)) return null;
  const n = Number(t.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
};

/** Splits "|a |b |c|" into trimmed cells. */
function cells(line: string): string[] {
  const t = line.trim();
  return t.slice(1, t.endsWith('|') ? -1 : undefined).split('|').map((c) => c.trim());
}

/** The grid tables of the text: each as its header lines (above the first rule after the top) and data rows. */
function tables(lines: string[]): Array<{ start: number; header: string[][]; rows: string[][] }> {
  const out: Array<{ start: number; header: string[][]; rows: string[][] }> = [];
  const isRule = (l: string) => /^\s*\+[-+]+\+\s*$/.test(l);
  for (let i = 0; i < lines.length; i++) {
    if (!isRule(lines[i]!) || (i > 0 && /^\s*[|+]/.test(lines[i - 1]!))) continue;
    const header: string[][] = [];
    let j = i + 1;
    while (j < lines.length && !isRule(lines[j]!) && /^\s*\|/.test(lines[j]!)) header.push(cells(lines[j++]!));
    const rows: string[][] = [];
    for (j++; j < lines.length && (isRule(lines[j]!) || /^\s*\|/.test(lines[j]!)); j++) if (!isRule(lines[j]!)) rows.push(cells(lines[j]!));
    out.push({ start: i, header, rows });
    i = j - 1;
  }
  return out;
}

const normKey = (k: string) => (k === 'DSP48E' || k === 'DSP48E2' ? 'DSP' : k);

/** Parses a csynth .rpt's utilisation summary and instance tables (unknown layouts give empty results). */
export function parseCsynthRpt(text: string): RptReport {
  const lines = text.split(/\r?\n/);
  const topM = /==\s*(?:Vivado|Vitis) HLS Report for '([^']+)'/.exec(text);
  const res: RptReport = { top: topM ? topM[1]! : null, total: {}, available: {}, instances: [] };
  const byInstance = new Map<string, RptInstance>();
  const inst = (name: string, module: string): RptInstance => {
    let r = byInstance.get(name);
    if (!r) {
      r = { instance: name, module, latencyMin: null, latencyMax: null, intervalMin: null, intervalMax: null, pipeline: null, BRAM_18K: null, DSP: null, FF: null, LUT: null, URAM: null };
      byInstance.set(name, r);
      res.instances.push(r);
    }
    return r;
  };
  for (const t of tables(lines)) {
    const h0 = t.header[0] ?? [];
    const hLast = t.header[t.header.length - 1] ?? [];
    // Utilisation summary: header "Name | BRAM_18K | DSP48E | FF | LUT | URAM".
    if (h0[0] === 'Name' && h0.includes('FF') && h0.includes('LUT') && h0.some((k) => normKey(k) === 'DSP')) {
      if (Object.keys(res.total).length) continue;
      for (const r of t.rows) {
        const target = r[0] === 'Total' ? res.total : r[0] === 'Available' ? res.available : null;
        if (target) h0.slice(1).forEach((k, c) => (target[normKey(k)] = num(r[c + 1])));
      }
      continue;
    }
    // Instance tables: first header cell blank/"Instance", second "Module".
    const headerJoined = t.header.map((h) => h.join('|')).join('\n');
    if (!/\bInstance\b/.test(headerJoined) || !/\bModule\b/.test(headerJoined)) continue;
    if (/Latency/.test(headerJoined)) {
      // Latency table: Instance | Module | lat min | lat max | abs min | abs max | II min | II max | Pipeline type.
      for (const r of t.rows) {
        if (!r[0] || r[0] === 'Total') continue;
        const x = inst(r[0], r[1] ?? '');
        x.latencyMin = num(r[2]);
        x.latencyMax = num(r[3]);
        x.intervalMin = num(r[6]);
        x.intervalMax = num(r[7]);
        x.pipeline = r[8] || null;
      }
    } else if (hLast.includes('FF') && hLast.includes('LUT')) {
      for (const r of t.rows) {
        if (!r[0] || r[0] === 'Total') continue;
        const x = inst(r[0], r[1] ?? '');
        hLast.forEach((k, c) => {
          const key = normKey(k);
          if (key === 'BRAM_18K' || key === 'DSP' || key === 'FF' || key === 'LUT' || key === 'URAM') x[key] = num(r[c]);
        });
      }
    }
  }
  return res;
}
