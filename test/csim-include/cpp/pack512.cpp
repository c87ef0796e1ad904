// 512-bit AXI word packing: 16 ap_fixed<32,10> packed into ap_uint<512> with range() and unpacked again, plus
// word-level bit operations. Prints the inputs (raw hex), the packed word (hex), round-trip results and a few
// derived words; test/csim-include/pack.test.ts recomputes them with BigInt.
#include <ap_fixed.h>
#include <ap_int.h>
#include <cstdio>

typedef ap_fixed<32, 10> data_t;
typedef ap_uint<512> word_t;

static unsigned long long g_rng = 0xA4093822299F31D0ULL;
static unsigned long long rnd() {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return g_rng;
}

word_t pack(const data_t v[16]) {
  word_t w = 0;
  for (int i = 0; i < 16; ++i) {
#pragma HLS UNROLL
    w.range(32 * i + 31, 32 * i) = v[i].range(31, 0);
  }
  return w;
}
void unpack(const word_t& w, data_t v[16]) {
  for (int i = 0; i < 16; ++i) {
#pragma HLS UNROLL
    v[i].range(31, 0) = w.range(32 * i + 31, 32 * i);
  }
}

int main() {
  int bad = 0;
  for (int t = 0; t < 20; ++t) {
    data_t in[16], out[16];
    for (int i = 0; i < 16; ++i) in[i] = ((double)(long long)(rnd() % 2000001) - 1000000.0) / 1000.0;  // +-1000: wraps
    if (t == 0) {
      in[0] = -512;  // minimum
      in[15] = data_t(511.99999976158142);
    }
    word_t w = pack(in);
    unpack(w, out);
    std::printf("word %s\n", w.to_string(16, false).c_str());
    for (int i = 0; i < 16; ++i) {
      std::printf("in %d %08llx %.17g\n", i, (unsigned long long)in[i].range(31, 0).to_uint64(), in[i].to_double());
      if (out[i] != in[i] || out[i].to_double() != in[i].to_double()) ++bad;
    }
    // word-level operations
    word_t m = w;
    m.range(511, 256) = w.range(255, 0);                    // copy the low half up
    std::printf("halves %s\n", m.to_string(16, false).c_str());
    std::printf("xor %s\n", (w ^ m).to_string(16, false).c_str());
    std::printf("andnot %s\n", word_t(w & ~m).to_string(16, false).c_str());
    std::printf("shr %s\n", (w >> 100).to_string(16, false).c_str());
    ap_uint<256> hi = w.range(511, 256);
    std::printf("hi %s\n", hi.to_string(16, false).c_str());
    std::printf("bit %d %d\n", (int)w[0], (int)w[511]);
    data_t one = w.range(63, 32);  // value conversion of the field (not a bit copy)
    std::printf("fieldvalue %.17g\n", one.to_double());
  }
  std::printf("roundtrip_mismatches %d\n", bad);
  return 0;
}
