// A lint of generated kernel C++ (the kernel rules of the design contract): no heap, no STL, no recursion, no
// float/double, no hls:: math, no printing outside debug blocks, and every loop has a constant bound or a loop_tripcount pragma.
// Code under debug/trace/count macros (#ifdef EDGEMOE_TRACE, EDGEMOE_COUNT_CYCLES, EDGEMOE_DEBUG, …) is exempt.

/** One broken rule at a line of a file. */
export interface LintIssue {
  file: string;
  line: number;
  rule: string;
  text: string;
}

const DEBUG_MACRO = /^(EDGEMOE_(TRACE|COUNT_CYCLES|DEBUG|OVERFLOW_STATS)\w*|EDGEMOE_\w*_H)$/;
const CONTROL = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'sizeof', 'decltype', 'static_assert', 'alignof', 'defined']);

/** Replaces comments and string/char literals with spaces, keeping line breaks (so line numbers stay right). */
export function stripCommentsAndStrings(src: string): string {
  let out = '';
  let i = 0;
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  while (i < src.length) {
    const c = src[i]!, n = src[i + 1];
    if (c === '/' && n === '/') {
      const e = src.indexOf('\n', i);
      const end = e < 0 ? src.length : e;
      out += blank(src.slice(i, end));
      i = end;
    } else if (c === '/' && n === '*') {
      const e = src.indexOf('*/', i + 2);
      const end = e < 0 ? src.length : e + 2;
      out += blank(src.slice(i, end));
      i = end;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += c + blank(src.slice(i + 1, j)) + c;
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Blanks the code inside #ifdef/#if defined(...) blocks of debug macros (the #else branch stays) and removes the
 * preprocessor conditionals themselves; lengths are preserved (blanked with spaces) so offsets stay valid.
 */
export function stripDebugBlocks(src: string): string {
  const lines = src.split('\n');
  // Stack of: is this #if level a debug block, and are we in its #if branch (true) or #else branch (false).
  const stack: Array<{ debug: boolean; inIf: boolean }> = [];
  const out: string[] = [];
  for (const line of lines) {
    const t = line.trim();
    const m = /^#\s*(ifdef|ifndef|if|elif|else|endif)\b\s*(.*)$/.exec(t);
    if (m) {
      const [, kw, rest] = m;
      if (kw === 'ifdef' || kw === 'if') {
        const name = kw === 'ifdef' ? rest!.trim() : (/defined\s*\(?\s*(\w+)/.exec(rest!)?.[1] ?? '');
        stack.push({ debug: DEBUG_MACRO.test(name) && !/_H$/.test(name), inIf: true });
      } else if (kw === 'ifndef') {
        stack.push({ debug: false, inIf: true });
      } else if (kw === 'else' || kw === 'elif') {
        const top = stack[stack.length - 1];
        if (top) top.inIf = false;
      } else {
        stack.pop();
      }
      out.push(' '.repeat(line.length));
      continue;
    }
    const hidden = stack.some((s) => s.debug && s.inIf);
    out.push(hidden ? ' '.repeat(line.length) : line);
  }
  return out.join('\n');
}

/** Index of the bracket matching the opening one at `open` (or -1). */
export function matchBracket(s: string, open: number): number {
  const o = s[open]!;
  const c = o === '(' ? ')' : o === '{' ? '}' : o === '[' ? ']' : '>';
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === o) depth++;
    else if (s[i] === c && --depth === 0) return i;
  }
  return -1;
}

interface FunctionDef {
  name: string;
  bodyStart: number;
  bodyEnd: number;
  templateParams: string[];
  /** constexpr functions run in the compiler, not in hardware: their loops need no bound. */
  isConstexpr: boolean;
}

/** Function definitions: `name(params) [const] {` outside other function bodies. */
function functionDefs(code: string): FunctionDef[] {
  const defs: FunctionDef[] = [];
  const re = /\b([A-Za-z_]\w*)\s*\(/g;
  let m: RegExpExecArray | null;
  let skipUntil = -1;
  while ((m = re.exec(code))) {
    if (m.index < skipUntil) continue;
    const name = m[1]!;
    if (CONTROL.has(name)) continue;
    const open = m.index + m[0].length - 1;
    const close = matchBracket(code, open);
    if (close < 0) continue;
    const after = /^\s*(const\s*)?(noexcept\s*)?(->\s*[\w:<>,\s]+)?\{/.exec(code.slice(close + 1));
    if (!after) continue;
    const bodyStart = close + 1 + after[0].length - 1;
    const bodyEnd = matchBracket(code, bodyStart);
    if (bodyEnd < 0) continue;
    // Template parameters: the nearest `template <...>` before the name with no ';' or '}' in between.
    const before = code.slice(Math.max(0, m.index - 400), m.index);
    const t = /template\s*<([^;{}]*)>[^;{}]*$/.exec(before);
    const templateParams = t ? [...t[1]!.matchAll(/(?:int|unsigned|bool|long|class|typename|size_t)\s+(\w+)/g)].map((x) => x[1]!) : [];
    const decl = /[^;{}]*$/.exec(before)?.[0] ?? '';
    defs.push({ name, bodyStart, bodyEnd, templateParams, isConstexpr: /\bconstexpr\b/.test(decl) });
    skipUntil = bodyEnd;
    re.lastIndex = bodyEnd;
  }
  return defs;
}

/** Names usable as constant loop bounds: ALL_CAPS identifiers, `static const` / `constexpr` names, enumerators. */
function constantNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(/\b(?:static\s+)?(?:const|constexpr)\s+(?:static\s+)?(?:unsigned\s+|signed\s+)?(?:int|long|short|char|bool|unsigned|size_t)\s+([A-Za-z_]\w*)\s*=/g)) names.add(m[1]!);
  for (const m of code.matchAll(/#\s*define\s+([A-Za-z_]\w*)/g)) names.add(m[1]!);
  return names;
}

const lineOf = (s: string, i: number) => s.slice(0, i).split('\n').length;

/** Checks one source; `constants` holds constant names from all sources (params.h defines most). */
export function lintSource(file: string, src: string, constants: Set<string>): LintIssue[] {
  const raw = stripCommentsAndStrings(src);
  const code = stripDebugBlocks(raw);
  const issues: LintIssue[] = [];
  const origLines = src.split('\n');
  const add = (index: number, rule: string) => {
    const line = lineOf(code, index);
    issues.push({ file, line, rule, text: origLines[line - 1]?.trim() ?? '' });
  };
  const scan = (re: RegExp, rule: string) => {
    for (const m of code.matchAll(re)) add(m.index!, rule);
  };
  scan(/\bnew\s+[A-Za-z_(]/g, 'no heap allocation (new)');
  scan(/\b(malloc|calloc|realloc|free|delete)\b/g, 'no heap allocation (malloc/free/delete)');
  scan(/\bstd\s*::\s*(vector|map|unordered_map|set|unordered_set|list|deque|string|array|queue|stack|priority_queue|shared_ptr|unique_ptr|function)\b/g, 'no STL containers');
  scan(/#\s*include\s*<(vector|map|unordered_map|set|list|deque|string|array|queue|stack|memory|functional|cmath|math\.h)>/g, 'no STL/libm headers');
  scan(/\b(float|double)\b/g, 'no float/double');
  scan(/\bhls\s*::\s*(?!stream\b|vector\b)\w+/g, 'no hls:: math (only hls::stream / hls::vector)');
  scan(/\b(printf|fprintf|puts|std\s*::\s*(cout|cerr))\b/g, 'printing only under #ifdef debug/trace macros');

  // Recursion: a cycle in the call graph of the functions defined in this source.
  const defs = functionDefs(code);
  const defined = new Set(defs.map((d) => d.name));
  const calls = new Map<string, Set<string>>();
  for (const d of defs) {
    const body = code.slice(d.bodyStart, d.bodyEnd);
    const set = calls.get(d.name) ?? new Set<string>();
    for (const m of body.matchAll(/\b([A-Za-z_]\w*)\s*(?:<[^;(){}]*>)?\s*\(/g)) if (defined.has(m[1]!)) set.add(m[1]!);
    calls.set(d.name, set);
  }
  const state = new Map<string, number>(); // 1 visiting, 2 done
  const visit = (n: string, path: string[]): void => {
    state.set(n, 1);
    for (const c of calls.get(n) ?? []) {
      if (state.get(c) === 1) {
        const d = defs.find((x) => x.name === c)!;
        add(d.bodyStart, `no recursion (${[...path, n, c].slice(path.indexOf(c) >= 0 ? path.indexOf(c) : 0).join(' -> ')})`);
      } else if (!state.has(c)) visit(c, [...path, n]);
    }
    state.set(n, 2);
  };
  for (const d of defs) if (!state.has(d.name)) visit(d.name, []);

  // Loops: a constant bound, or a loop_tripcount pragma at the top of the body.
  for (const d of defs) {
    if (d.isConstexpr) continue;
    const body = code.slice(d.bodyStart, d.bodyEnd + 1);
    const consts = new Set([...constants, ...d.templateParams, ...constantNames(body)]);
    for (const m of body.matchAll(/\b(for|while)\s*\(/g)) {
      const open = m.index! + m[0].length - 1;
      const close = matchBracket(body, open);
      if (close < 0) continue;
      const head = body.slice(open + 1, close);
      const cond = m[1] === 'for' ? (head.split(';')[1] ?? '') : head;
      // Pragmas were lines starting with '#': look in the original text of the body's first lines.
      const origStart = d.bodyStart + close + 1;
      const firstLines = raw.slice(origStart, origStart + 600).split('\n').slice(0, 7).join('\n');
      if (/#\s*pragma\s+HLS\s+loop_tripcount/i.test(firstLines)) continue;
      const ids = [...cond.matchAll(/\b[A-Za-z_]\w*\b/g)].map((x) => x[0]);
      // The loop variable(s) are the identifiers declared/assigned in the init part; bounds are the rest.
      const init = m[1] === 'for' ? (head.split(';')[0] ?? '') : '';
      const loopVars = new Set([...init.matchAll(/\b([A-Za-z_]\w*)\s*=/g)].map((x) => x[1]!));
      const bounds = ids.filter((x) => !loopVars.has(x) && !['true', 'false', 'int', 'unsigned', 'sizeof'].includes(x));
      const variable = bounds.filter((x) => !consts.has(x) && !/^[A-Z][A-Z0-9_]*$/.test(x));
      if (cond.trim() === '' || variable.length > 0) add(d.bodyStart + open, `loop bound is not constant (${variable.join(', ') || 'no condition'}) and the loop has no '#pragma HLS loop_tripcount'`);
    }
  }
  return issues;
}

/** Lints every source of a design's src/ (path → text). */
export function lintKernelSources(files: Map<string, string>): LintIssue[] {
  const constants = new Set<string>();
  for (const s of files.values()) for (const n of constantNames(stripCommentsAndStrings(s))) constants.add(n);
  return [...files].flatMap(([f, s]) => lintSource(f, s, constants));
}
