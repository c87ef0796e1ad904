// Reordered attention (attention_qk + attention_av) vs a plain row-by-row attention in the same fixed-point
// arithmetic that visits each row's keys in the same rotated order (must be bit-exact), and vs float64 softmax
// attention. Counts EDGEMOE_TICK per call. One line per case for test/kernel/attention.test.ts:
//   case N DIM HEADS P range qk_ticks av_ticks scores_words info_words out_mismatches overruns max_err_double min_s
//        fused_mismatches fused_ticks   (attention_fused on the same q, k, v against attention_qk + attention_av)
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>
#define EDGEMOE_COUNT_CYCLES
#include "params.h"
#include "count_cycles.h"
#include "reordered_attention.h"
#include "test_rng.h"

using namespace edgemoe;  // the kernel library's namespace

static const int CB = AXI_BITS / ACT_LANES;

static act_t get(const std::vector<word_t> &m, int row, int f, int dim) {
  return fxm_lane_get<act_t, CB>(m[row * (dim / ACT_LANES) + f / ACT_LANES], f % ACT_LANES);
}

/** Plain attention, one row at a time, keys in the row's rotated order (r%P, ..., N-1, 0, ...), same arithmetic. */
template <int N, int DIM, int H, int P>
static void plain_attention(const std::vector<word_t> &q, const std::vector<word_t> &k, const std::vector<word_t> &v,
                            std::vector<word_t> &out, std::vector<act_t> &row_inv_s) {
  const int B = DIM / ACT_LANES, BH = B / H;
  const attn_scale_t scale = fxm_from_raw<attn_scale_t>(ap_uint<25>(attn_scale_raw(DIM / H)));
  std::vector<act_t> score(N * H);
  for (int r = 0; r < N; r++) {
    softmax_state_t<act_t> st[H];
    for (int h = 0; h < H; h++) softmax_reset(st[h]);
    for (int i = 0; i < N; i++) {
      int key = (r % P + i) % N;
      for (int h = 0; h < H; h++) {
        acc_t s = 0;
        for (int d = h * BH; d < (h + 1) * BH; d++) {
          acc_t partial = 0;
          for (int j = 0; j < ACT_LANES; j++) {
            acc_t prod = get(q, r, d * ACT_LANES + j, DIM) * get(k, key, d * ACT_LANES + j, DIM);
            partial += prod;
          }
          acc_t contrib = partial * scale;
          s = (d == h * BH) ? contrib : acc_t(s + contrib);
        }
        score[key * H + h] = s;
        softmax_update(st[h], s);
      }
    }
    act_t inv_s[H];
    for (int h = 0; h < H; h++) row_inv_s[r * H + h] = inv_s[h] = softmax_inv_sum(st[h]);
    std::vector<acc_t> acc(DIM);
    for (int i = 0; i < N; i++) {
      int key = (r % P + i) % N;
      for (int f = 0; f < DIM; f++) {
        int h = f / (DIM / H);
        act_t p = softmax_prob(score[key * H + h], st[h].m, inv_s[h]);
        acc_t prod = p * get(v, key, f, DIM);
        acc[f] = (i == 0) ? prod : acc_t(acc[f] + prod);
      }
    }
    for (int f = 0; f < DIM; f++) fxm_lane_set<act_t, CB>(out[r * B + f / ACT_LANES], f % ACT_LANES, act_t(acc[f]));
  }
}

/** An attention instance (the generated params.h writes one such struct per call site). */
template <int T_N, int T_DIM, int T_H, int T_P>
struct attn_test_config {
  typedef ::act_t act_t;
  typedef ::acc_t acc_t;
  typedef ::word_t word_t;
  static const int N = T_N, DIM = T_DIM, HEADS = T_H, P = T_P, ACT_LANES = ::ACT_LANES;
  static const int FIN_II = 1, AV_II = 1;  // pragma values only, unused by g++
  static const int SCORE_DEPTH = T_N + 8, INFO_DEPTH = 2;  // attention_fused's FIFO depths (pragma values only)
};

/** A case's output words and the 1/s of every (row, head) in its rotated key order, for the cross-P comparison. */
struct case_result {
  std::vector<word_t> out;
  std::vector<act_t> inv_s;
};
/** Each case's result by (seed, P) (cases of one seed share q, k, v). */
static std::map<std::pair<uint64_t, int>, case_result> outputs;

template <int N, int DIM, int H, int P>
static void run_case(uint64_t seed, double range) {
  const int B = DIM / ACT_LANES, HD = DIM / H;
  TestRng rng(seed);
  // Regions get CANARY extra words of a fixed pattern after their end: a write past a region's size shows there.
  const int CANARY = 64;
  const word_t pattern = ~word_t(0) - 12345;
  std::vector<word_t> q(N * B), k(N * B), v(N * B), out(N * B + CANARY, pattern), ref(N * B, word_t(0));
  std::vector<word_t> attn(attn_scores_words(N, P, H, ACT_LANES) + CANARY, pattern);
  std::vector<word_t> info(attn_info_words(N, H, ACT_LANES) + CANARY, pattern);
  for (std::vector<word_t> *m : {&q, &k, &v})
    for (int t = 0; t < N; t++)
      for (int f = 0; f < DIM; f++)
        fxm_lane_set<act_t, CB>((*m)[t * B + f / ACT_LANES], f % ACT_LANES, act_t(rng.uniform(-range, range)));

  edgemoe_count::counters()[1] = edgemoe_count::counters()[2] = 0;
  EDGEMOE_OP_BEGIN(1);
  attention_qk<attn_test_config<N, DIM, H, P> >(q.data(), k.data(), attn.data(), info.data());
  EDGEMOE_OP_BEGIN(2);
  attention_av<attn_test_config<N, DIM, H, P> >(attn.data(), info.data(), v.data(), out.data());
  // attention_fused on the same q, k, v: must write exactly attention_qk + attention_av's output.
  std::vector<word_t> fused(N * B + CANARY, pattern);
  edgemoe_count::counters()[3] = 0;
  EDGEMOE_OP_BEGIN(3);
  attention_fused<attn_test_config<N, DIM, H, P> >(q.data(), k.data(), v.data(), fused.data());
  EDGEMOE_OP_BEGIN(0);
  int fused_mismatches = 0;
  for (int i = 0; i < N * B + CANARY; i++) fused_mismatches += (fused[i] != out[i]);

  std::vector<act_t> inv_s(N * H);
  plain_attention<N, DIM, H, P>(q, k, v, ref, inv_s);
  outputs[std::make_pair(seed, P)] = case_result{std::vector<word_t>(out.begin(), out.begin() + N * B), inv_s};
  int mismatches = 0;
  for (int i = 0; i < N * B; i++) mismatches += (out[i] != ref[i]);
  int overruns = 0;  // canary words changed, and region words never written
  for (int i = 0; i < CANARY; i++)
    overruns += (out[N * B + i] != pattern) + (attn[attn.size() - CANARY + i] != pattern) +
                (info[info.size() - CANARY + i] != pattern);
  for (size_t i = 0; i + CANARY < attn.size(); i++) overruns += (attn[i] == pattern);
  for (size_t i = 0; i + CANARY < info.size(); i++) overruns += (info[i] == pattern);

  // float64 softmax attention on the same (quantised) inputs.
  double max_err = 0, min_s = 1e300;
  for (int r = 0; r < N; r++)
    for (int h = 0; h < H; h++) {
      std::vector<double> a(N);
      double m = -1e300;
      for (int key = 0; key < N; key++) {
        double s = 0;
        for (int f = h * HD; f < (h + 1) * HD; f++) s += get(q, r, f, DIM).to_double() * get(k, key, f, DIM).to_double();
        a[key] = s / std::sqrt((double)HD);
        m = std::fmax(m, a[key]);
      }
      double sum = 0;
      for (int key = 0; key < N; key++) sum += std::exp(a[key] - m);
      min_s = std::fmin(min_s, sum);
      for (int f = h * HD; f < (h + 1) * HD; f++) {
        double o = 0;
        for (int key = 0; key < N; key++) o += std::exp(a[key] - m) / sum * get(v, key, f, DIM).to_double();
        max_err = std::fmax(max_err, std::fabs(get(out, r, f, DIM).to_double() - o));
      }
    }
  printf("case_%d_%d_%d_%d_s%llu %d %d %d %d %g %llu %llu %zu %zu %d %d %.6e %.9g %d %llu\n", N, DIM, H, P, (unsigned long long)seed, N, DIM, H, P, range,
         edgemoe_count::counters()[1], edgemoe_count::counters()[2], attn.size() - CANARY, info.size() - CANARY,
         mismatches, overruns, max_err, min_s, fused_mismatches, edgemoe_count::counters()[3]);
}

int main() {
  // The score scale HEAD_DIM^-0.5 as ap_ufixed<25,1> raw bits.
  printf("scale_raw %llu %llu %llu %llu\n", attn_scale_raw(64), attn_scale_raw(16), attn_scale_raw(32), attn_scale_raw(1));
  run_case<1, 16, 2, 1>(11, 1.0);
  run_case<9, 32, 2, 1>(12, 1.0);
  run_case<9, 32, 2, 2>(13, 1.0);
  run_case<9, 32, 2, 4>(14, 1.0);
  run_case<9, 32, 2, 8>(15, 1.0);
  run_case<9, 32, 2, 9>(16, 1.0);   // P = N
  run_case<17, 32, 2, 3>(17, 1.0);
  run_case<17, 64, 2, 4>(18, 1.0);  // HEAD_DIM 32: scale 2^-2.5 as a fixed-point constant
  run_case<33, 32, 2, 2>(19, 1.0);
  run_case<33, 32, 2, 8>(20, 4.0);  // peaky softmax: scores spread over tens
  run_case<129, 32, 1, 3>(21, 1.0);
  run_case<129, 192, 3, 4>(22, 1.0);  // Edge-MoE: 33 q-blocks x 129 keys x 24 blocks
  // P neither a power of two nor a divisor of N, on the same q, k, v (seed 22): 7 and 4 q-blocks, the last holding
  // the rotated tails; and P = 16's 9 q-blocks.
  run_case<129, 192, 3, 16>(22, 1.0);
  run_case<129, 192, 3, 22>(22, 1.0);
  run_case<129, 192, 3, 43>(22, 1.0);
  run_case<129, 192, 3, 4>(26, 4.0);  // peaky: new maxima rescale the softmax sums in each row's own key order
  run_case<129, 192, 3, 22>(26, 4.0);
  run_case<129, 192, 3, 43>(26, 4.0);
  // Cross-P (N 129, DIM 192, 3 heads): output words that differ from P = 4's on the same q, k, v, the largest
  // difference in act_t LSBs, the (row, head) pairs whose 1/s differs between the two rotated key orders, and the
  // differing words of a (row, head) whose 1/s agrees. Only the softmax sum's rescaling on a new maximum depends on the
  // key order (m is a max; the attn.V sum wraps, so its order does not matter): that last count must be 0.
  const int XB = 192 / ACT_LANES, XBH = XB / 3;
  for (const std::pair<uint64_t, int> &sp : std::vector<std::pair<uint64_t, int> >{{22, 16}, {22, 22}, {22, 43}, {26, 22}, {26, 43}}) {
    const case_result &base = outputs[std::make_pair(sp.first, 4)];
    const case_result &o = outputs[sp];
    int words = 0, inv_differ = 0, unexplained = 0;
    double max_lsb = 0;
    for (size_t i = 0; i < o.inv_s.size(); i++) inv_differ += o.inv_s[i] != base.inv_s[i];
    for (size_t i = 0; i < base.out.size(); i++) {
      const int row = i / XB, h = (i % XB) / XBH;
      const bool differs = o.out[i] != base.out[i];
      words += differs;
      unexplained += differs && o.inv_s[row * 3 + h] == base.inv_s[row * 3 + h];
      for (int j = 0; j < ACT_LANES; j++) {
        const double d = std::fabs(fxm_lane_get<act_t, CB>(o.out[i], j).to_double() - fxm_lane_get<act_t, CB>(base.out[i], j).to_double());
        max_lsb = std::fmax(max_lsb, std::ldexp(d, act_t::width - act_t::iwidth));
      }
    }
    printf("cross_p_%llu_%d %llu %d %d %zu %.0f %d %d\n", (unsigned long long)sp.first, sp.second, (unsigned long long)sp.first,
           sp.second, words, base.out.size(), max_lsb, inv_differ, unexplained);
  }
  return 0;
}
