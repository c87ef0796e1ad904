// Pipeline-iteration counting for checking the estimator against the design (csim only).
// Built with -DEDGEMOE_COUNT_CYCLES, every II=1 pipelined loop body calls EDGEMOE_TICK(), which adds one to the
// counter of the op the top function last announced with EDGEMOE_OP_BEGIN(op). Without the macro both vanish.
#ifndef EDGEMOE_COUNT_CYCLES_H
#define EDGEMOE_COUNT_CYCLES_H

#ifdef EDGEMOE_COUNT_CYCLES
#include <cstdio>

#ifndef EDGEMOE_MAX_OPS
#define EDGEMOE_MAX_OPS 1024
#endif

namespace edgemoe_count {
inline unsigned long long *counters() {
  static unsigned long long c[EDGEMOE_MAX_OPS];
  return c;
}
inline int &current() {
  static int op = 0;
  return op;
}
// The expert queue lengths of the latest moe_gate (the routing lives in the top function's state; tests read it here).
inline int *queue_lens() {
  static int q[256];
  return q;
}
// Prints "cycles <op> <count>" for every op with a nonzero count, in op order.
inline void report(FILE *out) {
  for (int i = 0; i < EDGEMOE_MAX_OPS; i++)
    if (counters()[i]) std::fprintf(out, "cycles %d %llu\n", i, counters()[i]);
}
}  // namespace edgemoe_count

#define EDGEMOE_OP_BEGIN(op) (edgemoe_count::current() = (op))
#define EDGEMOE_TICK() (edgemoe_count::counters()[edgemoe_count::current()]++)
#define EDGEMOE_COUNT_ROUTE(e, n) (edgemoe_count::queue_lens()[(e)] = (n))
#else
#define EDGEMOE_COUNT_ROUTE(e, n) ((void)0)
#define EDGEMOE_OP_BEGIN(op) ((void)0)
#define EDGEMOE_TICK() ((void)0)
#endif

#endif  // EDGEMOE_COUNT_CYCLES_H
