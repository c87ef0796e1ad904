// Default-constructed values are zero (constexpr constructors, so g++ may zero a local array as one aggregate), also
// on a stack that held other data; DEFAULT_WRAP_SM default-constructs an ap_ufixed with AP_WRAP_SM (rejected, exit 1).
#include <ap_fixed.h>
#include <ap_int.h>
#include <cstdio>
#include <cstring>

// Compile-time: the default constructors are constexpr and give zero.
constexpr ap_fixed<32, 10> kFixed;
constexpr ap_uint<256> kWord;
static_assert(kFixed.rv_[0] == 0 && kWord.rv_[3] == 0, "default values are zero");

__attribute__((noinline)) void dirty() {
  volatile unsigned char junk[4096];
  for (int i = 0; i < 4096; i++) junk[i] = (unsigned char)(0xA5 ^ i);
}

__attribute__((noinline)) int nonzero() {
  ap_fixed<32, 10> a[16];
  ap_ufixed<8, 0> b[8];
  ap_int<70> c[4];
  ap_uint<256> w[2];
  int bad = 0;
  for (int i = 0; i < 16; i++) bad += a[i] != 0;
  for (int i = 0; i < 8; i++) bad += b[i] != 0;
  for (int i = 0; i < 4; i++) bad += c[i] != 0;
  for (int i = 0; i < 2; i++) bad += w[i] != 0;
  return bad;
}

int main() {
#ifdef DEFAULT_WRAP_SM
  std::printf("before\n");
  std::fflush(stdout);
  ap_ufixed<8, 4, AP_TRN, AP_WRAP_SM> x;
  std::printf("after %g\n", x.to_double());
#else
  dirty();
  std::printf("nonzero %d\n", nonzero());
#endif
  return 0;
}
