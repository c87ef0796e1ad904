// A known sequence of stores for the overflow statistics (-DEDGEMOE_OVERFLOW_STATS). Expected counts per
// destination type are listed in test/csim-include/overflow-stats.test.ts; the program prints the report, the
// per-type accessor results and the stored values (which must not depend on the macro).
#include <ap_fixed.h>
#include <ap_int.h>
#include <cstdio>

int main() {
  ap_fixed<8, 4> x;  // range [-8, 8)
  x = 7.5;                         // ok
  std::printf("x %g\n", x.to_double());
  x = 8.0;                         // overflow (wraps to -8)
  std::printf("x %g\n", x.to_double());
  x = -9.0;                        // overflow
  std::printf("x %g\n", x.to_double());
  x = ap_fixed<16, 8>(100);        // overflow (the ap_fixed<16,8> temporary itself fits)
  std::printf("x %g\n", x.to_double());
  x = 3;                           // ok
  x += 4;                          // ok (7)
  x += 1;                          // overflow
  std::printf("x %g\n", x.to_double());
  ap_fixed<8, 4> x2 = x;           // same-type copy: not a converting store
  x2 = x2 << 3;                    // shifts ignore Q/O: not counted
  std::printf("x2 %g\n", x2.to_double());

  ap_fixed<8, 4, AP_RND, AP_SAT> y;
  y = 100.0;                       // saturates
  y = -100;                        // saturates
  y = 1.0;                         // ok
  y = 7.96875;                     // rounds up to 8 -> saturates
  std::printf("y %g\n", y.to_double());

  ap_ufixed<6, 2> u = -0.25;       // wraps
  std::printf("u %g\n", u.to_double());

  ap_fixed<16, 6> acc = 0;
  const ap_fixed<16, 6> one = 1.0;
  for (int i = 0; i < 100; ++i) acc += one;  // wraps at the 32nd and 96th addition
  std::printf("acc %g\n", acc.to_double());

  ap_int<4> k = 100;               // ap_int stores are not counted
  k += 100;
  std::printf("k %d\n", (int)k);

  edgemoe_overflow_report(stdout);
  std::printf("count x %llu\n", edgemoe_overflow_count<ap_fixed<8, 4> >());
  std::printf("count y %llu\n", edgemoe_overflow_count<ap_fixed<8, 4, AP_RND, AP_SAT> >());
  std::printf("count acc %llu\n", edgemoe_overflow_count<ap_fixed<16, 6> >());
  std::printf("count int4 %llu\n", edgemoe_overflow_count<ap_fixed<4, 4> >());
  std::printf("total %llu\n", edgemoe_overflow_total());
  edgemoe_overflow_reset();
  std::printf("after reset %llu\n", edgemoe_overflow_total());
  return 0;
}
