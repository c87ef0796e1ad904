// hls::vector basics with ap_fixed and int elements; expected values in test/csim-include/vector.test.ts.
#include <hls_vector.h>
#include <ap_fixed.h>
#include <cstdio>

typedef ap_fixed<8, 4> fx;
int main() {
  hls::vector<fx, 4> a{fx(1.5), fx(-2.25), fx(7.5), fx(0.0625)};
  hls::vector<fx, 4> b(fx(1));
  hls::vector<fx, 4> c = a + b;  // 7.5 + 1 wraps in fx<8,4>
  hls::vector<fx, 4> d = a * fx(2);
  for (int i = 0; i < 4; ++i) std::printf("c%d %g d%d %g\n", i, c[i].to_double(), i, d[i].to_double());
  std::printf("sum %g max %g min %g\n", a.reduce_add().to_double(), a.reduce_max().to_double(), a.reduce_min().to_double());
  hls::vector<int, 3> v{1, 2, 3};
  v *= 3;
  std::printf("int %d %d %d eq %d size %zu\n", v[0], v[1], v[2], (int)(v == hls::vector<int, 3>{3, 6, 9}), v.size());
  return 0;
}
