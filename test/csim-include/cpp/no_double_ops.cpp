// Must NOT compile (as with the vendor headers): ap_fixed arithmetic with a double operand is ambiguous.
// The test compiles it once per -DCASE=n and expects every case to fail; CASE=0 is the valid control.
#include <ap_fixed.h>
int main() {
  ap_fixed<8, 4> x = 1.5;
#if CASE == 1
  ap_fixed<8, 4> y = x * 0.5;
#elif CASE == 2
  x += 0.5;
#elif CASE == 3
  ap_fixed<9, 5> y = x + 0.5f;
#elif CASE == 4
  ap_fixed<8, 4> y = 2.0 * x;
#else
  ap_fixed<8, 4> y = x * ap_fixed<8, 4>(0.5);  // the emitter's form: wrap constants in the type
  x += ap_fixed<8, 4>(0.5);
  bool c = x < 0.5;  // comparisons with double do compile
  (void)c;
#endif
  (void)x;
#if CASE != 2
  (void)y;
#endif
  return 0;
}
