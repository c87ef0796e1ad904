// ap_ufixed with AP_WRAP_SM is rejected at construction (error, exit status 1), as in the vendor headers.
#include <ap_fixed.h>
#include <cstdio>
int main() {
  std::printf("before\n");
  std::fflush(stdout);
  ap_ufixed<8, 4, AP_TRN, AP_WRAP_SM> x = 1.5;
  std::printf("after %g\n", x.to_double());
  return 0;
}
