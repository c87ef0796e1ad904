// Synthesis-readiness rules for the generated kernel that need no Vitis: the top function's interface pragmas match
// design.json (m_axi with offset=slave and a cosim depth covering the bundle, s_axilite for every argument and the
// return), every pragma option value is a single constant (Vitis HLS accepts const names and literals, not
// expressions), ALLOCATION names real non-inlined functions (gotcha 9: a template argument list is ignored), the
// sources compile as C++14 (Vitis HLS 2022's default) with -Wall -Wextra -Werror, and one-time weights persist on
// chip across calls (run twice with reload=0 on the second call).
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS, resolveConfig } from '../../generator/config/index.ts';
import { renderDesign } from '../../generator/emit/emit.ts';
import { ROOT, scratch } from '../helpers/paths.ts';
import { stripCommentsAndStrings } from './kernel-lint.ts';

const INC = join(ROOT, 'templates', 'csim-include');

interface KernelArg {
  kind: 'buffer' | 'scalar';
  name: string;
  bundle?: string;
}
interface Manifest {
  kernel: { name: string; args: KernelArg[] };
  bundles: Array<{ name: string; bytes: number }>;
  weights: { bundle: string };
}

/** Renders a preset's design (with `sets`) into a scratch dir; returns the dir, its files and its manifest. */
function render(preset: string, sets: string[] = []): { dir: string; files: Map<string, string>; manifest: Manifest } {
  const { files } = renderDesign(resolveConfig({ preset, sets }));
  const dir = scratch('edgemoe-hls-');
  const text = new Map<string, string>();
  for (const [k, v] of files) {
    mkdirSync(join(dir, k, '..'), { recursive: true });
    writeFileSync(join(dir, k), v);
    text.set(k, String(v));
  }
  return { dir, files: text, manifest: JSON.parse(text.get('design.json')!) as Manifest };
}

/** `#pragma HLS` lines of a source (comments removed) as [line number, text after "HLS"]. */
function pragmas(src: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  stripCommentsAndStrings(src).split('\n').forEach((l, i) => {
    const m = /^\s*#\s*pragma\s+HLS\s+(.*?)\s*$/i.exec(l);
    if (m) out.push([i + 1, m[1]!]);
  });
  return out;
}

/** Option map of a pragma body ("m_axi port = x depth = 4" -> {port: x, depth: 4}) plus its bare words. */
function options(body: string): { words: string[]; opts: Map<string, string> } {
  const tokens = body.replace(/\s*=\s*/g, '=').split(/\s+/);
  const words: string[] = [];
  const opts = new Map<string, string>();
  for (const t of tokens) {
    const eq = t.indexOf('=');
    if (eq < 0) words.push(t);
    else opts.set(t.slice(0, eq).toLowerCase(), t.slice(eq + 1));
  }
  return { words, opts };
}

/** Function definitions (name and body text without the braces) of comment-free C++ at namespace level. */
function functionBodies(code: string): Array<{ name: string; body: string }> {
  const out: Array<{ name: string; body: string }> = [];
  const re = /\b([A-Za-z_]\w*)\s*\(([^;{}()]|\([^;{}()]*\))*\)\s*(const\s*)?\{/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code))) {
    if (['if', 'for', 'while', 'switch'].includes(m[1]!)) continue;
    let depth = 0, i = m.index + m[0].length - 1;
    for (; i < code.length; i++) {
      if (code[i] === '{') depth++;
      else if (code[i] === '}' && --depth === 0) break;
    }
    out.push({ name: m[1]!, body: code.slice(m.index + m[0].length, i) });
    re.lastIndex = i;
  }
  return out;
}

/** Names of the functions defined in `fns` that `body` calls (plain or with a template argument list). */
function calledFunctions(body: string, fns: Array<{ name: string }>): string[] {
  const names = new Set(fns.map((f) => f.name));
  const out = new Set<string>();
  const re = /\b([A-Za-z_]\w*)\s*(<[^;{}()]*>)?\s*\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) if (names.has(m[1]!)) out.add(m[1]!);
  return [...out];
}

/** Problems with one pragma body: any token that is neither a word nor key=single-constant. */
function pragmaSyntaxIssues(body: string): string[] {
  const bad = body.replace(/\s*=\s*/g, '=').split(/\s+/).filter((t) => !/^[A-Za-z_][\w]*(=[\w.]+)?$/.test(t));
  return bad.map((t) => `'${t}' is not a single constant (pragma values cannot be expressions)`);
}

describe('generated kernel: HLS synthesis rules', function () {
  this.timeout(120_000);

  describe('pragma option values are single constants', () => {
    it('flags an expression and accepts names and literals', () => {
      assert.deepEqual(pragmaSyntaxIssues('stream variable=xs depth=XS_DEPTH'), []);
      assert.deepEqual(pragmaSyntaxIssues('loop_tripcount min = 1 max = LIN_WLOAD_MAX_WORDS'), []);
      assert.equal(pragmaSyntaxIssues('stream variable=xs depth=2 * (T_DIM / ACT_LANES)').length, 4);
      assert.equal(pragmaSyntaxIssues('allocation function instances = load_linear_bias<wbias_t, 16, 16> limit = 1').length, 3);
    });
  });

  // Every preset, the activations on chip (arrays in place of DRAM regions, fewer bundles), fused attention
  // (attention_fused's region and stream depths) and the MoE gate on the unified unit (its routing process).
  const designs: Array<[string, string, string[]]> = [
    ...Object.keys(PRESETS).map((p): [string, string, string[]] => [p, p, []]),
    ['tiny, activations on chip', 'tiny', ['hardware.activations=onchip']],
    ['m3vit-t-cityscapes-w8, activations on chip, 4 weight ports', 'm3vit-t-cityscapes-w8', ['hardware.activations=onchip', 'hardware.axiBits=128', 'hardware.weightPorts=4']],
    ['tiny, fused attention', 'tiny', ['hardware.attention=fused']],
    ['m3vit-t-cityscapes, hardware.gate unified', 'm3vit-t-cityscapes', ['hardware.gate=unified']],
  ];
  for (const [what, preset, sets] of designs) {
    describe(what, () => {
      const d = render(preset, sets);
      const kernel = d.files.get('src/kernel.cpp')!;
      const top = d.manifest.kernel;

      it('top signature and INTERFACE pragmas match design.json: m_axi offset=slave with a depth covering each bundle, s_axilite everywhere', () => {
        const sig = new RegExp(`extern "C" void ${top.name}\\(([^)]*)\\)`).exec(kernel);
        assert.ok(sig, `no extern "C" ${top.name}`);
        const names = sig[1]!.split(',').map((a) => /(\w+)\s*$/.exec(a.trim())![1]);
        assert.deepEqual(names, top.args.map((a) => a.name), 'argument names/order differ from design.json kernel.args');
        const axiBytes = Number(/static const int AXI_BITS = (\d+);/.exec(d.files.get('src/params.h')!)![1]) / 8;
        const iface = pragmas(kernel).map(([, b]) => options(b)).filter((p) => p.words[0]?.toUpperCase() === 'INTERFACE');
        const of = (mode: string, port: string) => iface.filter((p) => p.words[1] === mode && p.opts.get('port') === port);
        for (const a of top.args) {
          assert.equal(of('s_axilite', a.name).length, 1, `${a.name}: one s_axilite pragma`);
          if (a.kind !== 'buffer') {
            assert.equal(of('m_axi', a.name).length, 0, `${a.name}: a scalar is not m_axi`);
            continue;
          }
          const m = of('m_axi', a.name);
          assert.equal(m.length, 1, `${a.name}: one m_axi pragma`);
          const o = m[0]!.opts;
          assert.equal(o.get('bundle'), a.bundle, `${a.name}: bundle`);
          assert.equal(o.get('offset'), 'slave', `${a.name}: offset=slave (the address comes through s_axilite)`);
          const bytes = d.manifest.bundles.find((b) => b.name === a.bundle)!.bytes;
          const depth = Number(o.get('depth'));
          assert.ok(Number.isInteger(depth) && depth * axiBytes >= bytes, `${a.name}: depth ${o.get('depth')} words must cover ${bytes} bytes (cosim)`);
        }
        assert.equal(iface.filter((p) => p.words[1] === 's_axilite' && p.opts.get('port') === 'return').length, 1, 's_axilite port=return');
      });

      it('every pragma option value is a single constant; ALLOCATION names plain functions that are never inlined', () => {
        const issues: string[] = [];
        const allocated: string[] = [];
        for (const [file, src] of d.files) {
          if (!file.startsWith('src/')) continue;
          for (const [line, body] of pragmas(src)) {
            for (const p of pragmaSyntaxIssues(body)) issues.push(`${file}:${line}: ${p}`);
            const { words, opts } = options(body);
            if (words[0]?.toLowerCase() === 'allocation') {
              assert.equal(words[1], 'function', `${file}:${line}: the type (function) must follow 'allocation' (UG1399)`);
              allocated.push(opts.get('instances') ?? '');
            }
          }
        }
        assert.deepEqual(issues, []);
        assert.ok(allocated.includes('linear_unit_step'), 'one linear unit (engine and loaders inside its one linear_step)');
        const all = [...d.files].filter(([f]) => f.startsWith('src/')).map(([, s]) => stripCommentsAndStrings(s)).join('\n');
        for (const fn of allocated) {
          const body = new RegExp(`\\b${fn}\\s*\\([^;{]*\\)\\s*\\{\\s*#\\s*pragma\\s+HLS\\s+inline\\s+off`).test(all);
          assert.ok(body, `${fn} must start with '#pragma HLS inline off' (an inlined function has no instance to limit)`);
        }
        // ALLOCATION limits instances within its own scope: every other function calling an allocated one must be
        // inlined into the top function, or it would get an engine of its own.
        for (const f of functionBodies(all)) {
          if (f.name === top.name || allocated.includes(f.name)) continue;
          const calls = allocated.filter((fn) => new RegExp(`\\b${fn}\\s*\\(`).test(f.body));
          if (calls.length) assert.match(f.body, /^\s*#\s*pragma\s+HLS\s+inline\s*(\n|$)/, `${f.name} calls ${calls.join(', ')}: it must start with '#pragma HLS inline'`);
        }
      });

      it('every DATAFLOW region is a function of its own (inline off before its dataflow pragma)', () => {
        const all = [...d.files].filter(([f]) => f.startsWith('src/')).map(([, s]) => stripCommentsAndStrings(s)).join('\n');
        const regions = functionBodies(all).filter((f) => /#\s*pragma\s+HLS\s+dataflow\b/.test(f.body));
        assert.ok(regions.length >= 6, `${regions.length} dataflow regions`);
        for (const f of regions) assert.match(f.body, /#\s*pragma\s+HLS\s+inline\s+off[\s\S]*#\s*pragma\s+HLS\s+dataflow/, `${f.name}: dataflow without inline off`);
      });

      it('every function called inside a DATAFLOW region is a process of its own (starts with inline off)', () => {
        // An inlined dispatcher (if/else over two movers) would give a stream two producers or consumers in the region.
        const all = [...d.files].filter(([f]) => f.startsWith('src/')).map(([, s]) => stripCommentsAndStrings(s)).join('\n');
        const fns = functionBodies(all);
        const regions = fns.filter((f) => /#\s*pragma\s+HLS\s+dataflow\b/.test(f.body));
        const missing: string[] = [];
        let checked = 0;
        for (const r of regions) {
          for (const callee of calledFunctions(r.body, fns)) {
            checked++;
            for (const def of fns.filter((f) => f.name === callee)) {
              if (!/^\s*#\s*pragma\s+HLS\s+inline\s+off\b/.test(def.body)) missing.push(`${r.name} -> ${callee}`);
            }
          }
        }
        assert.ok(checked >= 20, `${checked} process calls found`);
        assert.deepEqual([...new Set(missing)], []);
      });

      it('kernel.cpp compiles as C++14 with -Wall -Wextra -Werror (labels are HLS loop names, pragmas unknown to g++)', async () => {
        await execa('g++', ['-std=c++14', '-fsyntax-only', '-Wall', '-Wextra', '-Werror', '-Wno-unknown-pragmas', '-Wno-unused-label',
          `-I${INC}`, `-I${join(d.dir, 'src')}`, join(d.dir, 'src', 'kernel.cpp')]);
      });
    });
  }

  it('no null m_axi pointer reaches the non-inlined linear unit: linear_step gets three real weight-port pointers with 1, 2 and 4 ports', () => {
    const merged = 'hardware.bundles={"inout1":["tmp1","attn","images","tmp2","x"],"inout3":["tmp3","hidden","softmaxInfo"],"weights":["weights"]}';
    const want: Array<[string[], string]> = [
      [[], 'wmem_next, wmem_next, wmem_next'],
      [['hardware.weightPorts=2'], 'wmem_next1, wmem_next1, wmem_next1'],
      [[merged, 'hardware.weightPorts=4'], 'wmem_next1, wmem_next2, wmem_next3'],
    ];
    for (const [sets, ports] of want) {
      const k = String(renderDesign(resolveConfig({ preset: 'tiny', sets })).files.get('src/kernel.cpp'));
      const call = /linear_step<linear_config>\(([^;]*)\);/.exec(k)![1]!.replace(/\s+/g, ' ');
      assert.ok(call.endsWith(`next_sh, ${ports}`), `${sets.join(' ') || '1 port'}: linear_step(${call})`);
    }
    // The library itself gives no pointer a null default (linear_step, linear_overlap, load_linear_weights).
    const lib = stripCommentsAndStrings(String(renderDesign(resolveConfig({ preset: 'tiny' })).files.get('src/unified_linear.h')));
    assert.deepEqual(lib.match(/word_t\s*\*\s*\w+\s*=\s*0\b/g) ?? [], []);
  });

  it('tiny: one-time weights persist across calls (reload=0 reuses them, never re-reads them) and matter (reload=1 sees new ones)', async () => {
    const d = render('tiny');
    const top = d.manifest.kernel;
    const buffers = top.args.filter((a) => a.kind === 'buffer');
    const axiBytes = Number(/static const int AXI_BITS = (\d+);/.exec(d.files.get('src/params.h')!)![1]) / 8;
    const words = buffers.map((a) => Math.ceil(d.manifest.bundles.find((b) => b.name === a.bundle)!.bytes / axiBytes));
    const args = top.args.map((a) => {
      if (a.kind === 'buffer') return `(b)[${buffers.indexOf(a)}].data()`;
      return { num_images: '1', reload: '(reload)' }[a.name] ?? '0';
    });
    assert.ok(top.args.some((a) => a.name === 'reload') && top.args.some((a) => a.name === 'num_images'));
    writeFileSync(join(d.dir, 'top_call.h'), [
      `static const int NUM_BUNDLES = ${buffers.length};`,
      `static const int BUNDLE_WORDS[NUM_BUNDLES] = { ${words.join(', ')} };`,
      `static const int WEIGHTS_BUNDLE = ${buffers.findIndex((a) => a.bundle === d.manifest.weights.bundle)};`,
      `#define CALL_TOP(b, reload) ${top.name}(${args.join(', ')})`,
      '',
    ].join('\n'));
    const exe = join(d.dir, 'persist');
    await execa('g++', ['-std=c++14', '-O1', '-Wno-unknown-pragmas', '-w', `-I${INC}`, `-I${join(d.dir, 'src')}`, `-I${d.dir}`, '-o', exe,
      join(ROOT, 'test', 'emit', 'cpp', 'top_persistence.cpp')]);
    const { stdout } = await execa(exe);
    assert.match(stdout, /run2_same_as_run1 1/, 'reload=0 after new DRAM patch weights must reproduce run 1 exactly');
    assert.match(stdout, /run3_same_as_run1 0/, 'reload=1 with the new patch weights must change the output (else the check proves nothing)');
  });
});
