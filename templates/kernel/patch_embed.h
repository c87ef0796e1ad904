// Patch embedding: the p×p / stride-p convolution as a matmul of each patch's pixels (c, ky, kx order) with the
// [D][C·p·p] weights held on chip, plus the bias, then pos_embed added; token 0 (cls) is pos_embed row 0 when the cls
// token is folded (Edge-MoE, gotcha 4), or cls_token + pos_embed row 0 otherwise. Tokens 1 + py·GRID_W + px.
//
// Usage (include after params.h and unified_linear.h):
//   load_patch_embed(patch_w, patch_b, wmem + WO_PATCH_EMBED_PROJ_WEIGHT, wmem + WO_PATCH_EMBED_PROJ_BIAS);  // reload
//   patch_embed(x_img, image_words, wmem + WO_POS_EMBED, cls_words, patch_w, patch_b);  // cls read only when !CLS_FOLDED
//
// Arithmetic: the accumulator starts at the bias; each pixel·weight product is truncated to acc_t before it is added
// (as Edge-MoE); the sum is taken to act_t and pos_embed (act_t) added, wrapping as act_t.
// Cycle model (EDGEMOE_TICK, generator/kernels/patch-embed.ts): one-time load one word per cycle; per patch row,
// channel, pixel row, group of PE_PATCHES patches and group of PE_DIMS dims one cycle (PE_PATCHES·PE_DIMS·PATCH MACs,
// 256 for Edge-MoE's sizes), fed by an image reader process; the writer then writes every token one word per cycle
// (the cls row, then each patch row's sums + pos_embed), beside a pos_embed reader (a DATAFLOW of four processes).
#ifndef EDGEMOE_PATCH_EMBED_H
#define EDGEMOE_PATCH_EMBED_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "count_cycles.h"
#include "hls_stream.h"
#include "unified_linear.h"

namespace edgemoe {

static const int PE_K = IN_CH * PATCH * PATCH;  // inputs per patch
/** The one-time weights [D][C·p·p] and bias [D]: owned by the caller (the top function keeps them in static storage
 *  so they persist on chip between kernel calls; reload = 0 reuses them). */
typedef wpatch_t pe_w_t[DIM][PE_K];
typedef acc_t pe_b_t[DIM];

/** 1 when a patch's C·p·p weights are whole weight words (every preset): lane j of a word is then always column
 *  bank j % PATCH of patch_w, so the loader's WPATCH_LANES writes per cycle go to distinct banks (II=1). */
static const bool PE_WROWS_WORD_ALIGNED = PE_K % WPATCH_LANES == 0;
static const int PE_GROUP_PIX = PE_PATCHES * PATCH;  // pixels of one image row under a patch group
/** 1 when a patch group's pixels of one image row are whole words or lie inside one word (Edge-MoE: exactly one
 *  word), so the image reader moves PE_GROUP_WORDS words per group instead of one word per pixel. */
static const bool PE_GROUP_WORD_ALIGNED =
    IMG_W % PIXEL_LANES == 0 && (PE_GROUP_PIX % PIXEL_LANES == 0 || PIXEL_LANES % PE_GROUP_PIX == 0);
static const int PE_GROUP_WORDS = PE_GROUP_PIX >= PIXEL_LANES ? PE_GROUP_PIX / PIXEL_LANES : 1;
static const int PE_GROUPS = GRID_W / PE_PATCHES;                   // patch groups per patch row
static const int PE_ROW_STEPS = GRID_H * IN_CH * PATCH * PE_GROUPS;  // (patch row, channel, pixel row, group) steps
static const int PE_MAC_STEPS = PE_ROW_STEPS * (DIM / PE_DIMS);      // MAC loop iterations per image
static const int PE_ACC_DISTANCE = PE_GROUPS * (DIM / PE_DIMS);      // MAC iterations between updates of one sum

/** Loads the patch-embed weights [D][C·p·p] and bias [D] on chip (the reload path), one word per cycle. */
inline void load_patch_embed(pe_w_t patch_w, pe_b_t patch_b, const word_t *w, const word_t *b, int sh_w = 0, int sh_b = 0) {
  const int wtotal = DIM * PE_K;
  if (PE_WROWS_WORD_ALIGNED) {
    const int row_words = PE_K / WPATCH_LANES;
    int d = 0, kw = 0;
  pe_wload_rows:
    for (int wi = 0; wi < wtotal / WPATCH_LANES; wi++) {
#pragma HLS pipeline II = 1
      EDGEMOE_TICK();
      const word_t word = w[wi];
    pe_wload_row_lanes:
      for (int j = 0; j < WPATCH_LANES; j++) {
#pragma HLS unroll
        patch_w[d][kw * WPATCH_LANES + j] = fxm_lane_get_shifted<wpatch_t, WPATCH_BITS, WPATCH_W, WS_BITS_WPATCH>(word, j, sh_w);
      }
      if (++kw == row_words) {
        kw = 0;
        d++;
      }
    }
  } else {
    int d = 0, k = 0;
  pe_wload_words:
    for (int wi = 0; wi < (wtotal + WPATCH_LANES - 1) / WPATCH_LANES; wi++) {
#pragma HLS pipeline II = 1
      EDGEMOE_TICK();
      const word_t word = w[wi];
    pe_wload_lanes:
      for (int j = 0; j < WPATCH_LANES; j++) {
#pragma HLS unroll
        if (wi * WPATCH_LANES + j < wtotal) {
          patch_w[d][k] = fxm_lane_get_shifted<wpatch_t, WPATCH_BITS, WPATCH_W, WS_BITS_WPATCH>(word, j, sh_w);
          if (++k == PE_K) {
            k = 0;
            d++;
          }
        }
      }
    }
  }
pe_bload_words:
  for (int wi = 0; wi < (DIM + WBIAS_LANES - 1) / WBIAS_LANES; wi++) {
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    const word_t word = b[wi];
  pe_bload_lanes:
    for (int j = 0; j < WBIAS_LANES; j++) {
#pragma HLS unroll
      if (wi * WBIAS_LANES + j < DIM) patch_b[wi * WBIAS_LANES + j] = acc_t(fxm_lane_get_shifted<wbias_t, WBIAS_BITS, WBIAS_W, WS_BITS_WBIAS>(word, j, sh_b));
    }
  }
}

/** The pixels of one patch group under one image row. */
struct pe_group_t {
  pixel_t v[PE_PATCHES][PATCH];
};

/** Image reader: per (patch row, channel, pixel row, patch group) the group's pixels, in the MAC loop's order. With
 *  PE_GROUP_WORD_ALIGNED (every preset) PE_GROUP_WORDS whole words per group (one for Edge-MoE); otherwise one
 *  read per pixel. Fixed trip count, unconditional. */
inline void pe_read_image(const word_t *img, hls::stream<pe_group_t> &groups) {
#pragma HLS inline off  // a DATAFLOW process of its own
  int py = 0, c = 0, ky = 0, g = 0;
pe_read_groups:
  for (int i = 0; i < PE_ROW_STEPS; i++) {
#pragma HLS pipeline II = 1
    const int e0 = (c * IMG_H + py * PATCH + ky) * IMG_W + g * PE_GROUP_PIX;  // element index of the group's pixel 0
    pe_group_t grp;
    if (PE_GROUP_WORD_ALIGNED) {
      word_t gw[PE_GROUP_WORDS];
    pe_read_group_words:
      for (int k = 0; k < PE_GROUP_WORDS; k++) {
#pragma HLS unroll
        gw[k] = img[e0 / PIXEL_LANES + k];
      }
    pe_split_pixels:
      for (int q = 0; q < PE_GROUP_PIX; q++) {
#pragma HLS unroll
        // The group starts a word unless it lies inside one word; the constant test keeps lanes static.
        const int l = (PE_GROUP_PIX % PIXEL_LANES == 0 ? 0 : e0 % PIXEL_LANES) + q;
        grp.v[q / PATCH][q % PATCH] = fxm_lane_get<pixel_t, PIXEL_BITS>(gw[l / PIXEL_LANES], l % PIXEL_LANES);
      }
    } else {  // general layout: one read per pixel (II = PE_GROUP_PIX)
    pe_read_pixels:
      for (int q = 0; q < PE_GROUP_PIX; q++) {
        const int e = e0 + q;
        grp.v[q / PATCH][q % PATCH] = fxm_lane_get<pixel_t, PIXEL_BITS>(img[e / PIXEL_LANES], e % PIXEL_LANES);
      }
    }
    groups.write(grp);
    if (++g == PE_GROUPS) {
      g = 0;
      if (++ky == PATCH) {
        ky = 0;
        if (++c == IN_CH) {
          c = 0;
          py++;
        }
      }
    }
  }
}

/** MAC compute: per (patch row, channel, pixel row, group, dim group) PE_PATCHES x PE_DIMS x PATCH MACs (an adder
 *  tree per output); after each patch row its GRID_W x DIM sums leave as act_t words (one per cycle). */
inline void pe_mac(hls::stream<pe_group_t> &groups, const pe_w_t patch_w, const pe_b_t patch_b, hls::stream<word_t> &sums) {
#pragma HLS inline off  // a DATAFLOW process of its own
  acc_t acc[GRID_W][DIM];
#pragma HLS array_partition variable = acc cyclic factor = PE_PATCHES dim = 1  // PE_PATCHES x PE_DIMS sums per cycle
#pragma HLS array_partition variable = acc cyclic factor = PE_DIMS dim = 2
  pe_group_t grp;
pe_rows:
  for (int py = 0; py < GRID_H; py++) {
    int c = 0, ky = 0, g = 0, db = 0;
  pe_macs:
    for (int i = 0; i < PE_MAC_STEPS / GRID_H; i++) {
#pragma HLS pipeline II = PE_MAC_II  // 1 unless PE_ACC_DISTANCE < 3 (plan.loops)
#pragma HLS dependence variable = acc inter true distance = PE_ACC_DISTANCE  // (patch, dim) next updated a row of groups later
      EDGEMOE_TICK();
      if (db == 0) grp = groups.read();
      const int kbase = (c * PATCH + ky) * PATCH;  // weight column of (c, ky, 0)
      const bool first = c == 0 && ky == 0;
    pe_mac_patches:
      for (int pp = 0; pp < PE_PATCHES; pp++) {
#pragma HLS unroll
      pe_mac_dims:
        for (int dd = 0; dd < PE_DIMS; dd++) {
#pragma HLS unroll
          const int d = db * PE_DIMS + dd;
          const int px = g * PE_PATCHES + pp;
          acc_t prod[PATCH];
#pragma HLS array_partition variable = prod complete
        pe_mac_pixels:
          for (int kx = 0; kx < PATCH; kx++) {
#pragma HLS unroll
            prod[kx] = grp.v[pp][kx] * patch_w[d][kbase + kx];  // product truncated to acc_t first
          }
          acc[px][d] = (first ? patch_b[d] : acc[px][d]) + fxm_tree_sum<acc_t, PATCH>(prod);
        }
      }
      if (++db == DIM / PE_DIMS) {
        db = 0;
        if (++g == PE_GROUPS) {
          g = 0;
          if (++ky == PATCH) {
            ky = 0;
            c++;
          }
        }
      }
    }
  pe_emit_words:
    for (int i = 0; i < GRID_W * DIM_WORDS; i++) {
#pragma HLS pipeline II = 1
      const int px = i / DIM_WORDS, wi = i % DIM_WORDS;
      word_t word = 0;
    pe_emit_lanes:
      for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
        fxm_lane_set<act_t, ACT_BITS>(word, j, act_t(acc[px][wi * ACT_LANES + j]));
      }
      sums.write(word);
    }
  }
}

/** pos_embed reader: TOKENS x DIM_WORDS words in order (plus the cls token's words first when it is not folded). */
inline void pe_read_pos(const word_t *pos, const word_t *cls, hls::stream<word_t> &ps) {
#pragma HLS inline off  // a DATAFLOW process of its own
pe_read_pos_words:
  for (int i = 0; i < TOKEN_BUF_WORDS; i++) {
#pragma HLS pipeline II = 1
    word_t word = pos[i];
    if (!CLS_FOLDED && i < DIM_WORDS) {  // compile-time: `cls` is only read when the cls token is a separate tensor
      const word_t cw = cls[i];
    pe_cls_lanes:
      for (int j = 0; j < ACT_LANES; j++) fxm_lane_set<act_t, ACT_BITS>(word, j, act_t(fxm_lane_get<act_t, ACT_BITS>(word, j) + fxm_lane_get<act_t, ACT_BITS>(cw, j)));
    }
    ps.write(word);
  }
}

/** Writer: token 0 (cls) = its pos word, tokens 1.. = sum + pos (wrapping as act_t), one word per cycle. */
inline void pe_write(hls::stream<word_t> &sums, hls::stream<word_t> &ps, word_t *x) {
#pragma HLS inline off  // a DATAFLOW process of its own
pe_write_words:
  for (int i = 0; i < TOKEN_BUF_WORDS; i++) {
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    const word_t pw = ps.read();
    word_t word = pw;
    if (i >= DIM_WORDS) {
      const word_t sw = sums.read();
    pe_write_lanes:
      for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
        fxm_lane_set<act_t, ACT_BITS>(word, j, act_t(fxm_lane_get<act_t, ACT_BITS>(sw, j) + fxm_lane_get<act_t, ACT_BITS>(pw, j)));
      }
    }
    x[i] = word;
  }
}

/**
 * Embeds one image (img: its [C][H][W] pixels) into x [TOKENS][DIM]: a dataflow of image reader -> MAC compute ->
 * writer, with a pos_embed reader beside it. pos: pos_embed [TOKENS][DIM] (act_t rows of DIM_WORDS words); cls:
 * cls_token [DIM] (act_t), read only when !CLS_FOLDED (pass any valid pointer otherwise: a null m_axi pointer is
 * not synthesisable).
 */
inline void patch_embed(word_t *x, const word_t *img, const word_t *pos, const word_t *cls, const pe_w_t patch_w,
                        const pe_b_t patch_b) {
#pragma HLS inline off
#pragma HLS dataflow
  hls::stream<pe_group_t> groups;
#pragma HLS stream variable = groups depth = 2  // one group per DIM/PE_DIMS cycles
  hls::stream<word_t> sums, ps;
#pragma HLS stream variable = sums depth = 2
#pragma HLS stream variable = ps depth = DIM_WORDS  // the cls row passes before the first sums arrive
  pe_read_image(img, groups);
  pe_mac(groups, patch_w, patch_b, sums);
  pe_read_pos(pos, cls, ps);
  pe_write(sums, ps, x);
}

}  // namespace edgemoe

#endif  // EDGEMOE_PATCH_EMBED_H
