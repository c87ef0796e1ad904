// Test driver for the lead's kernels (unified_linear.h, patch_reordering.h, patch_embed.h), compiled with g++ against
// templates/csim-include and a params.h rendered from a plan. Reads one job from argv[1] (binary, little-endian
// int32s, then raw word arrays of 8 × uint32 per 256-bit word) and writes the results to argv[2].
// Job: int32 op, then op-specific fields (see test/kernel/harness.ts, which writes and parses these files).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "params.h"
#include "count_cycles.h"
#include "unified_linear.h"
#include "patch_reordering.h"
#include "patch_embed.h"

using namespace edgemoe;  // the kernel library's namespace

typedef lin_buffers<linear_config>::w_t lin_wbuf_t;
typedef lin_buffers<linear_config>::b_t lin_bbuf_t;

/** moe_experts' route to the linear unit (the top function's goes through its ALLOCATION wrapper). */
struct linear_unit {
  static void step(word_t *dst, const word_t *src, lin_wbuf_t w, lin_bbuf_t bias, int out_dim, int in_dim, int rows,
                   const pidx_t queue_idx[EXPERTS][TOKENS], const act_t queue_p[EXPERTS][TOKENS], int queue, bool use_gelu,
                   bool use_expert, bool use_score, const word_t *bmem, int b_first, int b_sh, bool b_attn, lin_wbuf_t wnext,
                   const word_t *wmem_next, int next_first, int next_out, int next_in, int next_sh) {
    linear_step<linear_config>(dst, src, w, bias, out_dim, in_dim, rows, queue_idx, queue_p, queue, use_gelu, use_expert, use_score, bmem,
                               b_first, b_sh, b_attn, wnext, wmem_next, next_first, next_out, next_in, next_sh, wmem_next, wmem_next, wmem_next);
  }
};

static FILE *g_in;
static FILE *g_out;

static int32_t rd_i32() {
  int32_t v;
  if (std::fread(&v, 4, 1, g_in) != 1) {
    std::fprintf(stderr, "driver: short job file\n");
    std::exit(3);
  }
  return v;
}
static void wr_i32(int32_t v) { std::fwrite(&v, 4, 1, g_out); }

static const int U32_PER_WORD = AXI_BITS / 32;

// Reads an int32 word count then that many words.
static std::vector<word_t> rd_words() {
  const int n = rd_i32();
  std::vector<word_t> w(n > 0 ? n : 1);
  for (int i = 0; i < n; i++) {
    word_t x = 0;
    for (int c = 0; c < U32_PER_WORD; c++) x.range(c * 32 + 31, c * 32) = ap_uint<32>(uint32_t(rd_i32()));
    w[i] = x;
  }
  return w;
}
static void wr_words(const word_t *w, int n) {
  wr_i32(n);
  for (int i = 0; i < n; i++)
    for (int c = 0; c < U32_PER_WORD; c++) wr_i32(int32_t(uint32_t(w[i].range(c * 32 + 31, c * 32).to_uint64())));
}

static unsigned long long ticks() {
#ifdef EDGEMOE_COUNT_CYCLES
  unsigned long long s = 0;
  for (int i = 0; i < EDGEMOE_MAX_OPS; i++) s += edgemoe_count::counters()[i], edgemoe_count::counters()[i] = 0;
  return s;
#else
  return 0;
#endif
}
static void wr_ticks() {
  const unsigned long long t = ticks();
  wr_i32(int32_t(t & 0x7fffffff));
  wr_i32(int32_t(t >> 31));
}

// op 1: one linear layer. Fields: out_dim in_dim rows gelu expert score w_first b_first bias_kind(0 wattnb,1 wbias)
// nq, queue idx[nq], queue p raw[nq]; words: src, dst (initial), weights, bias.
static void job_linear() {
  const int out_dim = rd_i32(), in_dim = rd_i32(), rows = rd_i32();
  const bool gelu = rd_i32(), expert = rd_i32(), score = rd_i32();
  const int w_first = rd_i32(), b_first = rd_i32(), bias_kind = rd_i32();
  const int nq = rd_i32();
  static pidx_t qi[TOKENS];
  static act_t qp[TOKENS];
  for (int i = 0; i < nq; i++) qi[i] = rd_i32();
  for (int i = 0; i < nq; i++) qp[i].range(act_t::width - 1, 0) = ap_int<32>(rd_i32());
  std::vector<word_t> src = rd_words(), dst = rd_words(), w = rd_words(), b = rd_words();
  static lin_wbuf_t wbuf;
  static lin_bbuf_t bbuf;
  ticks();
  load_linear_weights<linear_config>(wbuf, w.data(), w_first, out_dim, in_dim, 0, w.data(), w.data(), w.data());
  if (bias_kind == 0)
    load_linear_bias<linear_config, wattnb_t, WATTNB_BITS, WATTNB_LANES>(bbuf, b.data(), b_first, out_dim);
  else
    load_linear_bias<linear_config, wbias_t, WBIAS_BITS, WBIAS_LANES>(bbuf, b.data(), b_first, out_dim);
  compute_linear<linear_config>(dst.data(), src.data(), wbuf, bbuf, out_dim, in_dim, rows, qi, qp, gelu, expert, score);
  wr_words(dst.data(), int(dst.size()));
  wr_ticks();
}

// op 2: MoE gate + experts. Fields: none; words: u (TOKENS rows), gate [E][D], w1, b1, w2, b2.
// Output: queue lens[E], per expert its queue (idx, p raw), meta len + meta, gate ticks, out words, hidden words,
// expert ticks.
static void job_moe() {
  std::vector<word_t> u = rd_words(), g = rd_words(), w1 = rd_words(), b1 = rd_words(), w2 = rd_words(), b2 = rd_words();
  static word_t out[TOKEN_BUF_WORDS];
  static word_t hidden[TOKENS * (HIDDEN_WIDTH / ACT_LANES)];
  for (int i = 0; i < TOKEN_BUF_WORDS; i++) out[i] = ~word_t(0);  // garbage: moe_experts must zero it
  static moe_buffers<moe_config>::gate_w_t gate_w;
  static moe_buffers<moe_config>::qidx_t expert_queue_idx;
  static moe_buffers<moe_config>::qp_t expert_queue_p;
  static int expert_queue_len[EXPERTS], expert_meta[EXPERTS];
  int expert_meta_len = 0;
  static lin_wbuf_t wping, wpong;
  static lin_bbuf_t bping, bpong;
  ticks();
  load_gate_weights<moe_config>(gate_w, g.data());
  moe_gate<moe_config>(u.data(), gate_w, expert_queue_idx, expert_queue_p, expert_queue_len, expert_meta, expert_meta_len);
  for (int e = 0; e < EXPERTS; e++) wr_i32(expert_queue_len[e]);
  for (int e = 0; e < EXPERTS; e++)
    for (int n = 0; n < expert_queue_len[e]; n++) {
      wr_i32(int(expert_queue_idx[e][n]));
      wr_i32(int32_t(expert_queue_p[e][n].range(act_t::width - 1, 0).to_int64()));
    }
  wr_i32(expert_meta_len);
  for (int a = 0; a < expert_meta_len; a++) wr_i32(expert_meta[a]);
  wr_ticks();
  moe_experts<moe_config, linear_unit>(out, u.data(), hidden, w1.data(), b1.data(), w2.data(), b2.data(), expert_queue_idx, expert_queue_p, expert_queue_len,
              expert_meta, expert_meta_len, wping, wpong, bping, bpong);
  wr_words(out, TOKEN_BUF_WORDS);
  wr_ticks();
}

// op 3: patch embed of one image. Words: image, weight, bias, pos, cls (0 words = folded).
// Output: one-time load ticks, x words, embed ticks.
static void job_patch_embed() {
  std::vector<word_t> img = rd_words(), w = rd_words(), b = rd_words(), pos = rd_words();
  const int ncls = rd_i32();
  std::vector<word_t> cls(ncls > 0 ? ncls : 1);
  for (int i = 0; i < ncls; i++) {
    word_t x = 0;
    for (int c = 0; c < U32_PER_WORD; c++) x.range(c * 32 + 31, c * 32) = ap_uint<32>(uint32_t(rd_i32()));
    cls[i] = x;
  }
  static word_t x[TOKEN_BUF_WORDS];
  static pe_buffers<pe_config>::w_t patch_w;
  static pe_buffers<pe_config>::b_t patch_b;
  ticks();
  load_patch_embed<pe_config>(patch_w, patch_b, w.data(), b.data());
  wr_ticks();
  patch_embed<pe_config>(x, img.data(), pos.data(), ncls > 0 ? cls.data() : pos.data(), patch_w, patch_b);
  wr_words(x, TOKEN_BUF_WORDS);
  wr_ticks();
}

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: driver JOB OUT\n");
    return 2;
  }
  g_in = std::fopen(argv[1], "rb");
  g_out = std::fopen(argv[2], "wb");
  if (!g_in || !g_out) return 2;
  const int op = rd_i32();
  if (op == 1)
    job_linear();
  else if (op == 2)
    job_moe();
  else if (op == 3)
    job_patch_embed();
  else
    return 2;
  std::fclose(g_out);
  return 0;
}
