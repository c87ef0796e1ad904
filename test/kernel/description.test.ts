// The plan's hardware description (generator/plan/loops.ts) against the emitted C++: every pipelined loop is listed
// with its II, every listed loop exists, and each one's products and exp / reciprocal / rsqrt / GELU units per
// iteration are the ones the C++ asks for, so a kernel that gains a multiplier, a unit or a pipelined loop without
// the description (and hence the estimator) knowing fails here. The lint itself is checked on small sources.
import assert from 'node:assert/strict';
import { resolveConfig } from '../../generator/config/index.ts';
import { buildPlan, type Plan } from '../../generator/plan/index.ts';
import { renderKernelSources } from '../../generator/plan/render-kernel.ts';
import { configMembers, countBlock, findLoops, functionCounts, lintContext, indexProducts, loopCounts, loopDependences, outsideCounts, type Counts } from './description-lint.ts';
import { recurrenceII } from '../../generator/plan/index.ts';

/** Every `static const int NAME = v;` of params.h, the members of its config structs (`CONFIG_T::NAME` → `::NAME`)
 *  and the template parameters the library is instantiated with. */
function symbols(plan: Plan, params: string): Record<string, number> {
  const sym: Record<string, number> = {};
  const globals = params.replace(/\bstruct\s+\w+[^{;]*\{[^}]*\}/g, ''); // config members are `::NAME` only
  for (const m of globals.matchAll(/static const int (\w+) = (-?\d+);/g)) sym[m[1]!] = Number(m[2]);
  const s = plan.sizes;
  Object.assign(sym, { T_N: s.tokens, T_DIM: s.dim, T_HEADS: s.heads, T_P: s.attnP });
  return { ...sym, ...configMembers(params, sym) };
}

const CASES = [
  { what: 'm3vit-t-cityscapes', preset: 'm3vit-t-cityscapes', sets: [] as string[] },
  { what: 'tiny, tile 8×4, P 3, 128-bit AXI', preset: 'tiny', sets: ['hardware.linearTile.in=8', 'hardware.linearTile.out=4', 'hardware.attnParallel=3', 'hardware.axiBits=128'] },
  { what: 'm3vit-t-cityscapes, P 8', preset: 'm3vit-t-cityscapes', sets: ['hardware.attnParallel=8'] },
  { what: 'tiny, 512-bit AXI (lin_tiles and av_blocks at II 2)', preset: 'tiny', sets: ['hardware.axiBits=512'] },
  { what: 'tiny, 2 weight ports (port readers + port loader)', preset: 'tiny', sets: ['hardware.weightPorts=2'] },
  { what: 'tiny, tile 8 wide, 2 weight ports (a word spans two tiles: the port loader at II 2)', preset: 'tiny', sets: ['hardware.linearTile.in=8', 'hardware.weightPorts=2'] },
  { what: "tiny, patch embedding on the unified unit (patch reader, pos pass; no patch MAC array)", preset: 'tiny', sets: ['hardware.patchEmbed=unified'] },
  { what: "m3vit-t-cityscapes, unified patch embedding, 2 weight ports, 128-bit AXI", preset: 'm3vit-t-cityscapes', sets: ['hardware.patchEmbed=unified', 'hardware.weightPorts=2', 'hardware.axiBits=128'] },
  { what: "tiny, gate on the unified unit (routing process; no gate MAC array), 128-bit AXI, tile 16×4", preset: 'tiny', sets: ['hardware.gate=unified', 'hardware.axiBits=128', 'hardware.linearTile.out=4'] },
  {
    what: 'm3vit-t-cityscapes-w8, gate on the unified unit, tile 64×16, P 26, 128-bit AXI',
    preset: 'm3vit-t-cityscapes-w8',
    sets: ['hardware.gate=unified', 'hardware.linearTile.in=64', 'hardware.linearTile.out=16', 'hardware.attnParallel=26', 'hardware.axiBits=128'],
  },
  { what: "tiny, activations on chip (in-place residual add, output writer)", preset: 'tiny', sets: ['hardware.activations=onchip'] },
  {
    what: "m3vit-t-cityscapes-w8, activations on chip, tile 64×16, P 26, 128-bit AXI, 4 weight ports",
    preset: 'm3vit-t-cityscapes-w8',
    sets: ['hardware.activations=onchip', 'hardware.linearTile.in=64', 'hardware.linearTile.out=16', 'hardware.attnParallel=26', 'hardware.axiBits=128', 'hardware.weightPorts=4'],
  },
  { what: "tiny, fused attention (attention_fused: no score / info movers)", preset: 'tiny', sets: ['hardware.attention=fused'] },
  { what: 'm3vit-t-cityscapes-w8, fused attention, tile 64×16, P 26, 128-bit AXI, 2 weight ports', preset: 'm3vit-t-cityscapes-w8', sets: ['hardware.attention=fused', 'hardware.linearTile.in=64', 'hardware.linearTile.out=16', 'hardware.attnParallel=26', 'hardware.axiBits=128', 'hardware.weightPorts=2'] },
  {
    what: 'tiny, 4 weight ports, 8-bit per-channel-scaled weights',
    preset: 'tiny',
    sets: [
      'hardware.bundles={"inout1":["tmp1","attn","images","tmp2","x"],"inout3":["tmp3","hidden","softmaxInfo"],"weights":["weights"]}',
      'hardware.weightPorts=4',
      'precision.linearWeight.W=8',
      'precision.linearWeight.I=1',
      'precision.linearWeight.granularity=channel',
      'precision.linearWeight.scaleBits=3',
      'precision.linearWeight.scaleShift=4',
    ],
  },
];

const want = (l: Plan['loops'][number]): Counts => ({
  products: l.products.reduce((a, p) => a + p.count, 0),
  exp: l.exp,
  recip: l.recip,
  rsqrt: l.rsqrt,
  gelu: l.gelu,
});

describe('plan hardware description vs the emitted kernel C++', () => {
  describe('the lint counts what a source asks for', () => {
    const ctxOf = (src: string) => lintContext(new Map([['src/t.h', src]]), { N: 4, L: 8 });
    const body = (src: string) => {
      const ctx = ctxOf(src);
      return countBlock(ctx.fns.get('f')!.body, ctx, ctx.fns.get('f')!.ints);
    };
    it('a product is a * between non-integer operands; index and integer arithmetic are not', () => {
      assert.equal(body('void f(act_t a, act_t b, int i, int j) { act_t c = a * b; int k = i * j; x[i * 4] = c; }').products, 1);
      assert.equal(body('void f(act_t a) { const int B = 4; act_t c = a * B; act_t d = 2 * a; }').products, 0);
      assert.equal(body('void f(const word_t *p, int t, int w) { word_t *const q = p + t * w; }').products, 0);
    });
    it('unrolled loops multiply by their bound; library calls are expanded; exp/recip/rsqrt/GELU calls are units', () => {
      const src = 'act_t g(act_t a, act_t b) { return fx_exp_neg(a) * b; }\nvoid f(act_t a[L]) {\n  for (int i = 0; i < N; i++) { a[i] = g(a[i], a[i]) * a[i]; }\n  act_t r = fx_recip(a[0]);\n}';
      assert.deepEqual(body(src), { products: 8, exp: 4, recip: 1, rsqrt: 0, gelu: 0 });
    });
    it('a bound naming a config-struct member evaluates to that member; a member two configs disagree on does not', () => {
      const params = 'struct a_config {\n  static const int LANES = 8;\n  static const int N = 3;\n};\nstruct b_config {\n  static const int LANES = 8;\n  static const int N = 5;\n};\n';
      const members = configMembers(params, {});
      assert.deepEqual(members, { '::LANES': 8 });
      const src = 'template <class CONFIG_T> void f(act_t a[8], act_t b) {\n  for (int j = 0; j < CONFIG_T::LANES; j++) { a[j] = a[j] * b; }\n}';
      const ctx = lintContext(new Map([['src/t.h', src]]), members);
      assert.equal(countBlock(ctx.fns.get('f')!.body, ctx, ctx.fns.get('f')!.ints).products, 8);
      const bad = lintContext(new Map([['src/t.h', src.replace('CONFIG_T::LANES', 'CONFIG_T::N')]]), members);
      assert.throws(() => countBlock(bad.fns.get('f')!.body, bad, bad.fns.get('f')!.ints), /cannot evaluate the bound/);
    });
    it('finds labelled loops and their pipeline II', () => {
      const ctx = ctxOf('void f() {\nouter:\n  for (int i = 0; i < N; i++) {\n  inner:\n    for (int j = 0; j < L; j++) {\n#pragma HLS pipeline II=3\n    }\n  }\n}');
      const loops = findLoops(new Map([['src/t.h', 'void f() {\nouter:\n  for (int i = 0; i < N; i++) {\n  inner:\n    for (int j = 0; j < L; j++) {\n#pragma HLS pipeline II=3\n    }\n  }\n}']]), ctx);
      assert.deepEqual(loops.map((l) => [l.label, l.ii]), [['outer', null], ['inner', 3]]);
    });
  });

  for (const c of CASES) {
    describe(c.what, () => {
      const plan = buildPlan(resolveConfig({ preset: c.preset, sets: c.sets }));
      const files = new Map([...renderKernelSources(plan)].filter(([k]) => k.startsWith('src/')).map(([k, v]) => [k, String(v)]));
      const ctx = lintContext(files, symbols(plan, files.get('src/params.h')!));
      const found = findLoops(files, ctx);
      const byLabel = new Map(plan.loops.map((l) => [l.label, l]));

      it('every pipelined loop of the sources is described, with the II its pragma declares', () => {
        const missing = found.filter((f) => f.ii !== null && !byLabel.has(f.label)).map((f) => `${f.file}: ${f.label}`);
        assert.deepEqual(missing, [], 'pipelined loops the description does not list');
        for (const f of found.filter((x) => x.ii !== null)) assert.equal(byLabel.get(f.label)!.ii, f.ii, `${f.label}: II`);
        assert.equal(new Set(found.map((f) => f.label)).size, found.length, 'loop labels are unique');
      });

      it('every described loop exists, pipelined exactly when the description says so', () => {
        for (const l of plan.loops) {
          const f = found.find((x) => x.label === l.label);
          assert.ok(f, `${l.label}: not in the sources`);
          assert.equal(f.file, l.file, `${l.label}: file`);
          assert.equal(f.ii, l.ii, `${l.label}: II`);
        }
      });

      it('each loop asks for exactly the products and exp / recip / rsqrt / GELU units the description lists', () => {
        for (const l of plan.loops) assert.deepEqual(loopCounts(l.label, ctx), want(l), `${l.label}`);
      });

      it('each loop declares exactly the carried distances and independences the description lists, and its II covers them', () => {
        for (const l of plan.loops) {
          const deps = loopDependences(l.label, ctx);
          const declared = deps.filter((d) => d.inter && d.distance !== 1).map((d) => [d.variable, d.distance]);
          const carried = l.carried.filter((c) => c.distance > 1 && !c.structural).map((c) => [c.variable, c.distance]);
          assert.deepEqual(declared, carried, `${l.label}: dependence … inter true distance`);
          for (const c of l.carried.filter((x) => x.structural)) {
            // A structural distance is a register chain shifted once per iteration: chain[k] takes chain[k + 1].
            const shifts = new RegExp(`\\b${c.variable}\\s*\\[\\s*k\\s*\\]\\s*\\[[^\\]]*\\]\\s*=\\s*k\\s*\\+\\s*1\\s*<\\s*T_P\\s*\\?\\s*${c.variable}\\s*\\[\\s*k\\s*\\+\\s*1\\s*\\]`);
            assert.ok([...files.values()].some((f) => shifts.test(f)), `${l.label}: ${c.variable} is described as a rotating chain of ${c.distance}`);
            assert.equal(c.distance, plan.sizes.attnP, `${l.label}: ${c.variable}'s chain is T_P long`);
          }
          assert.deepEqual(deps.filter((d) => !d.inter).map((d) => d.variable), l.independent, `${l.label}: dependence … inter false`);
          if (l.ii !== null) assert.ok(l.ii >= recurrenceII(l), `${l.label}: II ${l.ii} below its recurrence bound ${recurrenceII(l)}`);
        }
      });

      it('each loop has exactly the run-time index multiplies the description counts', () => {
        for (const l of plan.loops) assert.equal(indexProducts(l.label, ctx), l.indexProducts, `${l.label}: run-time integer products`);
      });

      it('no product or unit sits outside the described loops and regions (the whole top function)', () => {
        const regions = new Set(plan.loops.filter((l) => l.ii === null).map((l) => l.label));
        assert.deepEqual(outsideCounts(plan.kernelName, regions, ctx), { products: 0, exp: 0, recip: 0, rsqrt: 0, gelu: 0 });
      });

      it('a kernel that gains a product, an exp unit or a pipelined loop no longer matches (mutations of the sources)', () => {
        const lin = files.get('src/unified_linear.h')!;
        const mutate = (from: string, to: string) => {
          assert.ok(lin.includes(from), `mutation anchor ${from}`);
          const m = new Map(files);
          m.set('src/unified_linear.h', lin.replace(from, to));
          return m;
        };
        const anchor = '  lin_tile_out:\n';
        const extraMul = mutate(anchor, '    acc[0] = acc[0] * xv[0];\n' + anchor);
        assert.notDeepEqual(loopCounts('lin_tiles', lintContext(extraMul, ctx.sym)), want(byLabel.get('lin_tiles')!));
        const extraExp = mutate(anchor, '    xv[0] = fx_exp_neg(xv[0]);\n' + anchor);
        assert.notDeepEqual(loopCounts('lin_tiles', lintContext(extraExp, ctx.sym)), want(byLabel.get('lin_tiles')!));
        const compute = '/** Compute: one TILE_OUT x TILE_IN tile per cycle';
        const newLoop = mutate(compute, 'inline void lin_extra(act_t a[4]) {\nlin_extra_loop:\n  for (int i = 0; i < 4; i++) {\n#pragma HLS pipeline II=1\n    a[i] = a[i];\n  }\n}\n' + compute);
        const extra = findLoops(newLoop, lintContext(newLoop, ctx.sym)).filter((f) => f.ii !== null && !byLabel.has(f.label));
        assert.deepEqual(extra.map((f) => f.label), ['lin_extra_loop']);
        const indexMul = mutate(anchor, '    xv[0] = xrow[ot * in_tiles];\n' + anchor);
        assert.equal(indexProducts('lin_tiles', lintContext(indexMul, ctx.sym)), byLabel.get('lin_tiles')!.indexProducts + 1);
        const noDep = mutate('#pragma HLS dependence variable = xrow inter true distance = T_IN_TILES_MIN', '');
        assert.deepEqual(loopDependences('lin_tiles', lintContext(noDep, ctx.sym)), []);
      });

      it("each unit's own products are the ones its DSP cost is computed from", async () => {
        const { unitProducts } = await import('../../generator/plan/loops.ts');
        const u = unitProducts(plan.types);
        assert.equal(functionCounts('fx_exp_neg', ctx).products, u.exp.products.length);
        assert.equal(functionCounts('fx_recip', ctx).products, u.recip.products.length);
        assert.equal(functionCounts('fx_rsqrt', ctx).products, u.rsqrt.products.length);
        assert.equal(functionCounts('gelu_approx', ctx).products, u.gelu.products.length);
      });
    });
  }
});
