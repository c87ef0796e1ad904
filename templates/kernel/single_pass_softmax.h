// Single-pass (online) softmax, Edge-MoE innovation (2): the running max m and running sum s of one softmax row are
// updated per score, so the scores are read once to get the statistics and once more (fused into attn·V) to normalise.
//
// Usage, act_t being any signed ap_fixed (a template parameter, deduced from the state or the score; nothing is read
// from params.h):
//   softmax_state_t<act_t> st;  softmax_reset(st);   // m = act_t minimum, s = 0
//   for each score a:    softmax_update(st, a);      // s <- s*e^(m-a) + 1, m <- a   if a > m;  s <- s + e^(a-m) else
//   act_t inv_s = softmax_inv_sum(st);                // 1/s truncated to act_t (s >= 1 after one update)
//   act_t p     = softmax_prob(a, st.m, inv_s);       // p = e^(a-m) * (1/s), truncated to act_t
// Every exp is of an argument <= 0 (fx_exp_neg, fixed_math.h). The sum keeps 32 fraction bits and 16 integer bits
// (rows up to 65535 keys), wider than act_t, so long rows (ViT-S: 1025 tokens) do not overflow.
//
// Accuracy against exact softmax of the same scores (test/kernel/softmax.test.ts): each exp is within 2^-29, so
// |s - s_exact| <= N (N 2^-29 + 2^-32) in the worst case (every update may rescale a sum <= N), and
// |p - p_exact| <= N (N 2^-29 + 2^-32) / s + 2^-31 + 2^-29 + 2^-21 (1/s relative 2^-31; the two act_t truncations
// of 1/s and of p, each < 2^-22). Measured: <= 4.4e-7 (< 2 LSB of act_t) for rows of 1..1025 scores; bit-identical
// to a two-pass (max, then sum) softmax whenever the first score is the maximum, 1 LSB apart otherwise.
#ifndef EDGEMOE_SINGLE_PASS_SOFTMAX_H
#define EDGEMOE_SINGLE_PASS_SOFTMAX_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "fixed_math.h"

namespace edgemoe {

/** Running softmax sum: unsigned, 16 integer bits (up to 65535 terms of at most 1), 32 fraction bits. */
typedef ap_ufixed<48, 16> softmax_sum_t;
/** The types of a softmax over act_t scores. */
template <class ACT_T>
struct softmax_types {
  typedef ACT_T act_t;
  /** Score differences m - a: one bit wider than act_t, so they never wrap. */
  typedef ap_fixed<ACT_T::width + 1, ACT_T::iwidth + 1> diff_t;
};

/** Statistics of one softmax row: running max m and running sum s of e^(a - m). */
template <class act_t>
struct softmax_state_t {
  act_t m;
  softmax_sum_t s;
};

/** The most negative act_t (Edge-MoE's reset value of m, -512 for ap_fixed<32,10>). */
template <class act_t>
act_t softmax_act_min() {
  ap_uint<act_t::width> raw = 0;
  raw[act_t::width - 1] = 1;
  return fxm_from_raw<act_t>(raw);
}

/** Starts a new row: m = act_t minimum, s = 0. */
template <class act_t>
void softmax_reset(softmax_state_t<act_t> &st) {
  st.m = softmax_act_min<act_t>();
  st.s = 0;
}

/** Adds one score a to the row's statistics (online recurrence; exp only of arguments <= 0). */
template <class act_t>
void softmax_update(softmax_state_t<act_t> &st, typename softmax_types<act_t>::act_t a) {
  typedef typename softmax_types<act_t>::diff_t softmax_diff_t;
  softmax_diff_t d = st.m - a;
  bool new_max = d < 0;
  softmax_diff_t arg = new_max ? d : softmax_diff_t(-d);  // -|m - a| <= 0; exact in the one-bit-wider type
  fxm_unit_t e = fx_exp_neg(arg);                          // one exp unit serves both cases
  if (new_max) {
    // New maximum: rescale the old sum to the new max, then add e^0 = 1 for a itself.
    st.s = st.s * e + ap_uint<1>(1);
    st.m = a;
  } else {
    st.s = st.s + e;
  }
}

/** 1/s truncated to act_t (s >= 1 once a score was added, so 1/s is in (0, 1]). */
template <class act_t>
act_t softmax_inv_sum(const softmax_state_t<act_t> &st) {
  act_t r = fx_recip(st.s);
  return r;
}

/** Normalised probability p = e^(a - m) * inv_s, truncated to act_t (a <= m for every score of the row). */
template <class act_t>
act_t softmax_prob(act_t a, typename softmax_types<act_t>::act_t m, typename softmax_types<act_t>::act_t inv_s) {
  typedef typename softmax_types<act_t>::diff_t softmax_diff_t;
  softmax_diff_t d = a - m;
  fxm_unit_t e = fx_exp_neg(d);
  act_t p = e * inv_s;
  return p;
}

}  // namespace edgemoe

#endif  // EDGEMOE_SINGLE_PASS_SOFTMAX_H
