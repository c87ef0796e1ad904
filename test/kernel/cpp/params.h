// Test stand-in for the generated params.h: Edge-MoE's types (edge-moe.md §6) and 256-bit words. The kernel headers
// take every type and size from a config struct; the drivers build theirs from these typedefs and the word geometry.
#ifndef EDGEMOE_TEST_PARAMS_H
#define EDGEMOE_TEST_PARAMS_H
#include "ap_fixed.h"
#include "ap_int.h"

typedef ap_fixed<32, 10> act_t;
typedef ap_fixed<32, 10> acc_t;
typedef ap_fixed<16, 5> wbias_t;
static const int WBIAS_BITS = 16;  // container bits of a stored wbias_t
static const int WBIAS_W = 16;     // stored raw bits per element (every tensor has the class type: shifts are 0)
static const int AXI_BITS = 256;
static const int ACT_LANES = 8;
typedef ap_uint<AXI_BITS> word_t;

#endif
