import assert from 'node:assert/strict';
import { PRESETS, resolveConfig } from '../../generator/config/index.ts';
import { renderDesign } from '../../generator/emit/emit.ts';
import { lintKernelSources, lintSource } from './kernel-lint.ts';

const rules = (src: string) => lintSource('t.cpp', src, new Set(['DIM'])).map((i) => i.rule);

describe('kernel lint', () => {
  describe('catches each rule on small sources', () => {
    it('heap, STL, float/double, hls:: math', () => {
      assert.equal(rules('void f() { int *p = new int[3]; }').length, 1);
      assert.equal(rules('void f() { void *p = malloc(4); free(p); }').length, 2);
      assert.match(rules('#include <vector>\nvoid f() { std::vector<int> v; }').join(), /STL/);
      assert.deepEqual(rules('void f() { float a = 1; double b = 2; }'), ['no float/double', 'no float/double']);
      assert.equal(rules('void f(act_t x) { act_t y = hls::exp(x); }').length, 1);
      assert.deepEqual(rules('void f(hls::stream<int> &s, hls::vector<int, 4> v) { }'), []);
      assert.match(rules('void f() { printf("x"); }').join(), /printing only under/);
      assert.deepEqual(rules('void f() {\n#ifdef EDGEMOE_DEBUG\n  std::fprintf(stderr, "x");\n#endif\n}'), []);
    });
    it('recursion through a call cycle', () => {
      assert.match(rules('int a(int x) { return x ? b(x - 1) : 0; }\nint b(int x) { return a(x); }').join(), /no recursion \(.*a.*b|no recursion \(.*b.*a/);
      assert.match(rules('int f(int x) { return x ? f(x - 1) : 0; }').join(), /no recursion/);
      assert.deepEqual(rules('int g(int x) { return x; }\nint f(int x) { return g(x) + g(1); }'), []);
    });
    it('loops need a constant bound or a tripcount pragma', () => {
      assert.match(rules('void f(int n) { for (int i = 0; i < n; i++) { } }').join(), /loop bound is not constant \(n\)/);
      assert.match(rules('void f(int n) { int i = 0; while (i < n) i++; }').join(), /loop bound/);
      assert.deepEqual(rules('void f(int n) {\n  rows: for (int i = 0; i < n; i++) {\n#pragma HLS pipeline II=1\n#pragma HLS loop_tripcount min=1 max=DIM\n  }\n}'), []);
      assert.deepEqual(rules('void f() { for (int i = 0; i < DIM / 8; i++) { } }'), []);
      assert.deepEqual(rules('template <int N, int M>\nvoid f() { for (int i = 0; i < N * M; i++) { } }'), []);
      assert.deepEqual(rules('void f() { static const int K = 4; for (int i = 0; i < K; i++) { } }'), []);
      assert.deepEqual(rules('constexpr int lg(int v) { int c = 0; while ((1 << c) < v) c++; return c; }'), []);
    });
    it('exempts code under debug/trace/count macros and ignores comments and strings', () => {
      assert.deepEqual(rules('#ifdef EDGEMOE_TRACE\n#include <vector>\nvoid t() { std::vector<float> v; }\n#endif\n'), []);
      assert.deepEqual(rules('// float new malloc\nvoid f() { const char *s = "double"; }'), []);
      assert.equal(rules('#ifdef EDGEMOE_TRACE\nvoid t() {}\n#else\nvoid u() { float x; }\n#endif\n').length, 1);
    });
  });

  const designs: Array<[string, string, string[]]> = [
    ...Object.keys(PRESETS).map((p): [string, string, string[]] => [p, p, []]),
    ['m3vit-t-cityscapes-w8 with the MoE gate on the unified unit', 'm3vit-t-cityscapes-w8', ['hardware.gate=unified']],
  ];
  for (const [what, preset, sets] of designs) {
    it(`passes on every generated kernel source of ${what}`, () => {
      const { files } = renderDesign(resolveConfig({ preset, sets }));
      const src = new Map([...files].filter(([k]) => k.startsWith('src/')).map(([k, v]) => [k, String(v)]));
      assert.ok(src.has('src/kernel.cpp') && src.has('src/params.h'));
      const issues = lintKernelSources(src);
      assert.deepEqual(issues.map((i) => `${i.file}:${i.line}: ${i.rule}: ${i.text}`), []);
    });
  }
});
