// A lint of the emitted kernel C++ against the plan's hardware description (generator/plan/loops.ts): per labelled
// loop, the `#pragma HLS pipeline` and its II, the products (`*` between non-integer operands), and the exp /
// reciprocal / rsqrt / GELU unit calls one iteration makes, counting through unrolled loops (by their constant
// bounds) and through calls to other library functions (expanded in place). Code under debug macros is ignored.
import { matchBracket as matchClose, stripCommentsAndStrings, stripDebugBlocks } from '../emit/kernel-lint.ts';

/** What one iteration of a loop (or a region) instantiates. */
export interface Counts {
  products: number;
  exp: number;
  recip: number;
  rsqrt: number;
  gelu: number;
}

/** A loop of the sources: label, file, its pragma II (null = not pipelined) and what one iteration counts. */
export interface FoundLoop {
  label: string;
  file: string;
  ii: number | null;
  counts: Counts;
}

const UNIT_CALLS: Record<string, keyof Counts> = { fx_exp_neg: 'exp', fx_recip: 'recip', fx_rsqrt: 'rsqrt', gelu_approx: 'gelu' };
const zero = (): Counts => ({ products: 0, exp: 0, recip: 0, rsqrt: 0, gelu: 0 });
const addTo = (a: Counts, b: Counts, k = 1) => {
  for (const key of Object.keys(a) as Array<keyof Counts>) a[key] += k * b[key];
};

/** The start of a loop body, before any nested loop: where its own pragmas are. */
const head = (body: string) => body.slice(0, Math.min(400, ...[/\bfor\s*\(/.exec(body)?.index ?? 400]));
const isPipelined = (body: string) => /#\s*pragma\s+HLS\s+pipeline\b/.test(head(body));

interface Fn {
  name: string;
  file: string;
  body: string;
  /** Integer names visible in it: its parameters, locals and template parameters, plus the global ones. */
  ints: Set<string>;
}

/** Function definitions `name(...) {` at namespace level (templates included). */
function functions(file: string, code: string): Fn[] {
  const out: Fn[] = [];
  const re = /\b([A-Za-z_]\w*)\s*\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code))) {
    if (['if', 'for', 'while', 'switch', 'return', 'sizeof', 'static_assert', 'defined'].includes(m[1]!)) continue;
    const open = m.index + m[0].length - 1;
    const close = matchClose(code, open);
    if (close < 0) continue;
    const after = /^\s*(const\s*)?\{/.exec(code.slice(close + 1));
    if (!after) continue;
    const bodyStart = close + 1 + after[0].length - 1;
    const bodyEnd = matchClose(code, bodyStart);
    if (bodyEnd < 0) continue;
    const before = code.slice(Math.max(0, m.index - 300), m.index);
    const tmpl = /template\s*<([^;{}]*)>[^;{}]*$/.exec(before)?.[1] ?? '';
    out.push({ name: m[1]!, file, body: code.slice(bodyStart + 1, bodyEnd), ints: intNames(`${tmpl} ${code.slice(open + 1, close)} ${code.slice(bodyStart + 1, bodyEnd)}`) });
    re.lastIndex = bodyEnd;
  }
  return out;
}

/** Names declared with an integer / bool type anywhere (parameters, locals, constants, template parameters). */
function intNames(code: string): Set<string> {
  const names = new Set<string>(['unsigned', 'long', 'int', 'short', 'char', 'bool']);
  for (const m of code.matchAll(/\b(?:int|bool|unsigned|long long|long|size_t)\s+&?\s*([A-Za-z_]\w*)/g)) names.add(m[1]!);
  for (const m of code.matchAll(/\bint\s+[A-Za-z_]\w*\s*=[^;,]*,\s*([A-Za-z_]\w*)/g)) names.add(m[1]!); // int a = 0, b = 0
  for (const m of code.matchAll(/\bint\s+[A-Za-z_]\w*\s*=[^;,]*,\s*[A-Za-z_]\w*\s*=[^;,]*,\s*([A-Za-z_]\w*)/g)) names.add(m[1]!);
  for (const m of code.matchAll(/\bint\s+[A-Za-z_]\w*\s*=[^;,]*,\s*[A-Za-z_]\w*\s*=[^;,]*,\s*[A-Za-z_]\w*\s*=[^;,]*,\s*([A-Za-z_]\w*)/g)) names.add(m[1]!);
  return names;
}

/** Removes bracketed index expressions (integer address arithmetic), keeping the array name. */
function dropIndices(s: string): string {
  let out = s;
  for (;;) {
    const next = out.replace(/\[[^[\]]*\]/g, '');
    if (next === out) return out;
    out = next;
  }
}

/** Products in straight-line text (no loops): a binary `*` whose operands are not integer names or literals. */
function productSites(text: string, ints: Set<string>): number {
  const t = dropIndices(text);
  let n = 0;
  for (const m of t.matchAll(/([A-Za-z_][\w.:]*|\)|\d+)\s*\*\s*(?!=)(\(|[A-Za-z_][\w.:]*|\d+)/g)) {
    const left = m[1]!;
    const right = m[2]!;
    if (/^\d+$/.test(left) || /^\d+$/.test(right)) continue;
    if (/_t$/.test(left) || ['const', 'char', 'void', 'return'].includes(left) || right === 'const') continue; // pointer declarations
    const base = (x: string) => x.split(/\.|::/).pop()!; // a.b and CONFIG_T::NAME: the last name
    if (left !== ')' && ints.has(base(left))) continue;
    if (right !== '(' && ints.has(base(right))) continue;
    if (left === ')') {
      // (int expr) * NAME: the parenthesised operand is integer when every name in it is.
      const close = m.index!;
      let depth = 0, i = close;
      for (; i >= 0; i--) {
        if (t[i] === ')') depth++;
        else if (t[i] === '(' && --depth === 0) break;
      }
      const inner = [...t.slice(i + 1, close).matchAll(/[A-Za-z_]\w*/g)].map((x) => x[0]);
      if (inner.every((x) => ints.has(x))) continue;
    }
    n++;
  }
  return n;
}

/** Evaluates a loop bound with the symbol table (null when it cannot). A config-struct member `CONFIG_T::NAME`
 *  evaluates as the symbol `::NAME` (configMembers). */
export function evalBound(expr: string, sym: Record<string, number>): number | null {
  const js = expr
    .replace(/\b[A-Za-z_]\w*\s*::\s*([A-Za-z_]\w*)/g, (_x, m: string) => (`::${m}` in sym ? String(sym[`::${m}`]) : '@'))
    .replace(/[A-Za-z_]\w*/g, (x) => (x in sym ? String(sym[x]) : '@'));
  if (js.includes('@') || !/^[\d\s+\-*/%()]+$/.test(js)) return null;
  const v = Function(`"use strict"; return (${js});`)() as number;
  return Math.floor(v);
}

/** The integer members of params.h's per-instance config structs as `::NAME` → value. A member that two configs give
 *  different values has no single value for the lint and is left out (a bound naming it then fails to evaluate). */
export function configMembers(params: string, sym: Record<string, number>): Record<string, number> {
  const seen = new Map<string, number | null>();
  for (const st of params.matchAll(/\bstruct\s+\w+[^{;]*\{([^}]*)\}/g))
    for (const m of st[1]!.matchAll(/\bstatic\s+const\s+(?:int|long long)\s+([A-Za-z_]\w*)\s*=\s*([^;]+);/g)) {
      const v = evalBound(m[2]!, sym);
      const k = `::${m[1]!}`;
      seen.set(k, v === null || (seen.has(k) && seen.get(k) !== v) ? null : v);
    }
  const out: Record<string, number> = {};
  for (const [k, v] of seen) if (v !== null) out[k] = v;
  return out;
}

export interface LintContext {
  fns: Map<string, Fn>;
  /** Integer names at namespace level (params.h constants, static const ints). */
  ints: Set<string>;
  sym: Record<string, number>;
  /** Integer constants defined in the headers (name → expression). */
  defs: Record<string, string>;
}

/** Counts of a block of code: straight-line products and unit calls, nested loops times their trip counts (unrolled
 *  inside a pipelined loop), calls to library functions expanded. `skip` labels are not entered (pipelined loops
 *  seen from a sequential region). */
export function countBlock(code: string, ctx: LintContext, fnInts: Set<string>, skip: (label: string, pipelined: boolean) => boolean = () => false, depth = 0): Counts {
  if (depth > 12) throw new Error('description lint: call nesting too deep');
  const c = zero();
  let rest = '';
  let i = 0;
  const loopRe = /(?:([A-Za-z_]\w*)\s*:\s*)?\bfor\s*\(/g;
  for (;;) {
    loopRe.lastIndex = i;
    const m = loopRe.exec(code);
    if (!m) {
      rest += code.slice(i);
      break;
    }
    rest += code.slice(i, m.index);
    const open = m.index + m[0].length - 1;
    const close = matchClose(code, open);
    const head = code.slice(open + 1, close);
    const after = code.slice(close + 1);
    let body: string;
    let end: number;
    const brace = /^\s*\{/.exec(after);
    if (brace) {
      const bs = close + 1 + brace[0].length - 1;
      end = matchClose(code, bs);
      body = code.slice(bs + 1, end);
    } else {
      end = code.indexOf(';', close + 1);
      body = code.slice(close + 1, end + 1);
    }
    i = end + 1;
    const pipelined = isPipelined(body);
    if (m[1] && skip(m[1], pipelined)) continue;
    const inner = countBlock(body, ctx, fnInts, skip, depth);
    if (Object.values(inner).every((v) => v === 0)) continue;
    const cond = head.split(';')[1] ?? '';
    const bm = /^\s*\w+\s*<\s*(.+)$/.exec(cond);
    const trips = bm ? evalBound(bm[1]!, ctx.sym) : null;
    if (trips === null) throw new Error(`description lint: cannot evaluate the bound of a loop holding units: for (${head})`);
    addTo(c, inner, trips);
  }
  // Pragmas are not code.
  const text = rest.replace(/#\s*pragma[^\n]*/g, '');
  c.products += productSites(text, new Set([...ctx.ints, ...fnInts]));
  for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*(?:<[^;(){}]*>)?\s*\(/g)) {
    const name = m[1]!;
    const unit = UNIT_CALLS[name];
    if (unit) {
      c[unit]++;
      continue;
    }
    const fn = ctx.fns.get(name);
    if (fn) addTo(c, countBlock(fn.body, ctx, fn.ints, skip, depth + 1));
  }
  return c;
}

/** Prepares the sources of a design's src/ (path → text) for counting. */
export function lintContext(files: Map<string, string>, sym: Record<string, number>): LintContext {
  const fns = new Map<string, Fn>();
  let outside = '';
  for (const [file, src] of files) {
    const code = stripDebugBlocks(stripCommentsAndStrings(src));
    let rest = code;
    for (const f of functions(file, code)) {
      if (!fns.has(f.name)) fns.set(f.name, f);
      rest = rest.replace(f.body, '');
    }
    outside += rest + '\n';
  }
  // Parameter lists of constexpr helpers (outside the bodies) are not namespace-level names.
  let flat = outside;
  for (let prev = ''; prev !== flat; ) [prev, flat] = [flat, flat.replace(/\([^()]*\)/g, ' ')];
  // Header constants (`static const int NAME = expr;`), for pragma values that name them.
  const defs: Record<string, string> = {};
  for (const m of outside.matchAll(/\bstatic\s+const\s+int\s+([A-Za-z_]\w*)\s*=\s*([^;]+);/g)) defs[m[1]!] = m[2]!;
  // Template parameters with a default (`int T_FIN_II = CONFIG_T::FIN_II`): how a config member reaches a pragma,
  // whose values must be single names.
  for (const [, src] of files)
    for (const t of stripCommentsAndStrings(src).matchAll(/\btemplate\s*<((?:[^<>;{}]|<[^<>;{}]*>)*)>/g))
      for (const m of t[1]!.matchAll(/\bint\s+([A-Za-z_]\w*)\s*=\s*([^,]+)/g)) defs[m[1]!] = m[2]!.trim();
  return { fns, ints: intNames(flat), sym, defs };
}

/** Every labelled loop of the kernel library headers with its II and what one iteration counts. */
export function findLoops(files: Map<string, string>, ctx: LintContext): FoundLoop[] {
  const out: FoundLoop[] = [];
  for (const [file, src] of files) {
    const code = stripDebugBlocks(stripCommentsAndStrings(src));
    for (const m of code.matchAll(/([A-Za-z_]\w*)\s*:\s*\bfor\s*\(/g)) {
      const open = m.index! + m[0].length - 1;
      const close = matchClose(code, open);
      const brace = /^\s*\{/.exec(code.slice(close + 1));
      if (!brace) continue;
      const bs = close + 1 + brace[0].length - 1;
      const body = code.slice(bs + 1, matchClose(code, bs));
      const pm = /#\s*pragma\s+HLS\s+pipeline\b([^\n]*)/.exec(head(body));
      let ii: number | null = null;
      if (pm) {
        const v = /II\s*=\s*(\w+)/.exec(pm[1]!)?.[1];
        ii = v === undefined ? 1 : /^\d+$/.test(v) ? Number(v) : (ctx.sym[v] ?? evalConst(v, ctx, '') ?? NaN);
      }
      out.push({ label: m[1]!, file: file.replace(/^src\//, ''), ii, counts: zero() });
    }
  }
  return out;
}

/** What one iteration of the loop labelled `label` counts (a sequential region: without its pipelined loops). */
export function loopCounts(label: string, ctx: LintContext): Counts {
  for (const fn of ctx.fns.values()) {
    const code = fn.body;
    const m = new RegExp(`\\b${label}\\s*:\\s*\\bfor\\s*\\(`).exec(code);
    if (!m) continue;
    const open = m.index + m[0].length - 1;
    const close = matchClose(code, open);
    const bs = close + 1 + /^\s*\{/.exec(code.slice(close + 1))![0].length - 1;
    const body = code.slice(bs + 1, matchClose(code, bs));
    const pipelined = isPipelined(body);
    return countBlock(body, ctx, fn.ints, pipelined ? () => false : (_l, p) => p);
  }
  throw new Error(`description lint: no loop labelled ${label}`);
}

/** Counts of a function body (a unit of fixed_math.h / gelu_approx.h), not expanding its own unit calls. */
export function functionCounts(name: string, ctx: LintContext): Counts {
  const fn = ctx.fns.get(name);
  if (!fn) throw new Error(`description lint: no function ${name}`);
  return countBlock(fn.body, ctx, fn.ints);
}

/** Counts of a process function outside its pipelined loops and outside the listed sequential regions. */
export function outsideCounts(fnName: string, regions: Set<string>, ctx: LintContext): Counts {
  const fn = ctx.fns.get(fnName)!;
  return countBlock(fn.body, ctx, fn.ints, (label, pipelined) => pipelined || regions.has(label));
}

/** A `#pragma HLS dependence` of a loop: variable, inter true / false, and the distance it declares (evaluated). */
export interface FoundDependence {
  variable: string;
  inter: boolean;
  distance: number | null;
}

/** Evaluates a constant name or expression with params.h symbols, header constants and the function's own
 *  `const int NAME = expr;` locals. */
function evalConst(expr: string, ctx: LintContext, fnBody: string): number | null {
  const local: Record<string, string> = {};
  for (const m of fnBody.matchAll(/\bconst\s+int\s+([A-Za-z_]\w*)\s*=\s*([^;]+);/g)) local[m[1]!] = m[2]!;
  let e = expr;
  for (let k = 0; k < 8; k++) {
    const next = e.replace(/(?<!::\s*)\b[A-Za-z_]\w*\b(?!\s*::)/g, (x) => (x in ctx.sym ? x : local[x] !== undefined ? `(${local[x]})` : ctx.defs[x] !== undefined ? `(${ctx.defs[x]})` : x));
    if (next === e) break;
    e = next;
  }
  return evalBound(e, ctx.sym);
}

/** The loop labelled `label`: its function, its header's parentheses (open, close) and its body's braces (bs, be). */
function labelledLoop(label: string, ctx: LintContext) {
  for (const fn of ctx.fns.values()) {
    const m = new RegExp(`\\b${label}\\s*:\\s*\\bfor\\s*\\(`).exec(fn.body);
    if (!m) continue;
    const open = m.index + m[0].length - 1;
    const close = matchClose(fn.body, open);
    const bs = close + 1 + /^\s*\{/.exec(fn.body.slice(close + 1))![0].length - 1;
    return { fn, open, close, bs, be: matchClose(fn.body, bs) };
  }
  throw new Error(`description lint: no loop labelled ${label}`);
}

/** The dependence pragmas at the head of the loop labelled `label`. */
export function loopDependences(label: string, ctx: LintContext): FoundDependence[] {
  const { fn, bs, be } = labelledLoop(label, ctx);
  const out: FoundDependence[] = [];
  for (const d of head(fn.body.slice(bs + 1, be)).matchAll(/#\s*pragma\s+HLS\s+dependence\b([^\n]*)/g)) {
    const opts = d[1]!;
    const variable = /variable\s*=\s*(\w+)/.exec(opts)?.[1] ?? '';
    const inter = /\binter\s+(?:RAW\s+)?true\b/.test(opts) || !/\binter\s+(?:RAW\s+)?false\b/.test(opts);
    const dist = /distance\s*=\s*(\w+)/.exec(opts)?.[1];
    out.push({ variable, inter, distance: dist === undefined ? null : evalConst(dist, ctx, fn.body) });
  }
  return out;
}

/** Distinct run-time integer products (address / index arithmetic whose operands are both run-time integers, e.g.
 *  `t * in_words`) in one iteration of the loop labelled `label`, its bound included. Names in ALL_CAPS and literals
 *  are compile-time constants (a product with one is a shift or a constant multiply); each distinct expression is
 *  one multiplier (HLS shares identical expressions across unrolled copies). */
export function indexProducts(label: string, ctx: LintContext): number {
  const { fn, open, close, bs, be } = labelledLoop(label, ctx);
  const text = (fn.body.slice(open + 1, close).split(';')[1] ?? '') + '\n' + fn.body.slice(bs + 1, be).replace(/#\s*pragma[^\n]*/g, '');
  const ints = new Set([...ctx.ints, ...fn.ints]);
  const isConst = (x: string) => /^(\d+|[A-Z][A-Z0-9_]*)$/.test(x) || x in ctx.sym;
  const runtimeInt = (x: string) => !isConst(x) && ints.has(x);
  /** The operand's names, or null when it is not integer. */
  const names = (op: string): string[] | null => {
    const ns = [...op.matchAll(/[A-Za-z_]\w*/g)].map((n) => n[0]);
    return ns.every((n) => isConst(n) || ints.has(n)) ? ns : null;
  };
  const seen = new Set<string>();
  for (const p of text.matchAll(/([A-Za-z_]\w*|\))\s*\*\s*(?!=)(?=([A-Za-z_]\w*|\())/g)) {
    let left = p[1]!;
    let right = p[2]!;
    let start = p.index!;
    if (left === ')') {
      let depth = 0, i = p.index!;
      for (; i >= 0; i--) {
        if (text[i] === ')') depth++;
        else if (text[i] === '(' && --depth === 0) break;
      }
      left = text.slice(i, p.index! + 1);
      start = i;
    }
    if (right === '(') {
      const o = p.index! + p[0].length;
      right = text.slice(o, matchClose(text, o) + 1);
    }
    if (/_t$/.test(left) || ['const', 'return'].includes(left)) continue; // pointer declarations
    const ln = names(left);
    const rn = names(right);
    if (!ln || !rn || !ln.some(runtimeInt) || !rn.some(runtimeInt)) continue;
    seen.add((text.slice(start, p.index! + p[0].length) + right).replace(/\s+/g, ''));
  }
  return seen.size;
}
