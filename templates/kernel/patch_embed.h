// Patch embedding: the p×p / stride-p convolution as a matmul of each patch's pixels (c, ky, kx order) with the
// [D][C·p·p] weights held on chip, plus the bias, then pos_embed added; token 0 (cls) is pos_embed row 0 when the cls
// token is folded (Edge-MoE, gotcha 4), or cls_token + pos_embed row 0 otherwise. Tokens 1 + py·GRID_W + px.
//
// Usage (include after params.h and unified_linear.h):
//   load_patch_embed(wmem + WO_PATCH_EMBED_PROJ_WEIGHT, wmem + WO_PATCH_EMBED_PROJ_BIAS);   // reload = 1 only
//   patch_embed(x_img, image_words, wmem + WO_POS_EMBED, cls_words);   // cls_words read only when !CLS_FOLDED
//
// Arithmetic: the accumulator starts at the bias; each pixel·weight product is truncated to acc_t before it is added
// (as Edge-MoE); the sum is taken to act_t and pos_embed (act_t) added, wrapping as act_t.
// Cycle model (EDGEMOE_TICK, generator/kernels/patch-embed.ts): one-time load one word per cycle; per patch row,
// channel, pixel row, group of PE_PATCHES patches and group of PE_DIMS dims one cycle (PE_PATCHES·PE_DIMS·PATCH MACs,
// 256 for Edge-MoE's sizes); the pixels of a patch group are read in the group's first cycle; then each patch row's
// tokens are written one word per cycle (pos_embed add), and the cls row one word per cycle.
#ifndef EDGEMOE_PATCH_EMBED_H
#define EDGEMOE_PATCH_EMBED_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "count_cycles.h"
#include "unified_linear.h"

static const int PE_K = IN_CH * PATCH * PATCH;  // inputs per patch
// One-time weights: static (file scope), so they persist on chip between kernel calls; reload = 0 reuses them.
static wpatch_t patch_w[DIM][PE_K];
static acc_t patch_b[DIM];

/** 1 when a patch's C·p·p weights are whole weight words (every preset): lane j of a word is then always column
 *  bank j % PATCH of patch_w, so the loader's WPATCH_LANES writes per cycle go to distinct banks (II=1). */
static const bool PE_WROWS_WORD_ALIGNED = PE_K % WPATCH_LANES == 0;
static const int PE_GROUP_PIX = PE_PATCHES * PATCH;  // pixels of one image row under a patch group
/** 1 when a patch group's pixels of one image row are whole words or lie inside one word (Edge-MoE: exactly one
 *  word), so the MAC loop reads PE_GROUP_WORDS words per group instead of one word per pixel. */
static const bool PE_GROUP_WORD_ALIGNED =
    IMG_W % PIXEL_LANES == 0 && (PE_GROUP_PIX % PIXEL_LANES == 0 || PIXEL_LANES % PE_GROUP_PIX == 0);
static const int PE_GROUP_WORDS = PE_GROUP_PIX >= PIXEL_LANES ? PE_GROUP_PIX / PIXEL_LANES : 1;

/** Loads the patch-embed weights [D][C·p·p] and bias [D] on chip (the reload path), one word per cycle. */
inline void load_patch_embed(const word_t *w, const word_t *b, int sh_w = 0, int sh_b = 0) {
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
        patch_w[d][kw * WPATCH_LANES + j] = fxm_lane_get_shifted<wpatch_t, WPATCH_BITS, WPATCH_W>(word, j, sh_w);
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
        patch_w[d][k] = fxm_lane_get_shifted<wpatch_t, WPATCH_BITS, WPATCH_W>(word, j, sh_w);
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
      if (wi * WBIAS_LANES + j < DIM) patch_b[wi * WBIAS_LANES + j] = acc_t(fxm_lane_get_shifted<wbias_t, WBIAS_BITS, WBIAS_W>(word, j, sh_b));
    }
  }
}

/** Pixel `e` (element index into the image's [C][H][W] bytes) of an image's words. */
inline pixel_t pe_pixel(const word_t *img, int e) { return word_elem<pixel_t, PIXEL_BITS>(img[e / PIXEL_LANES], e % PIXEL_LANES); }

/**
 * Embeds one image (img: its [C][H][W] pixels) into x [TOKENS][DIM]. pos: pos_embed [TOKENS][DIM] (act_t rows of
 * DIM_WORDS words); cls: cls_token [DIM] (act_t), read only when !CLS_FOLDED (pass any valid pointer otherwise:
 * a null m_axi pointer is not synthesisable).
 */
inline void patch_embed(word_t *x, const word_t *img, const word_t *pos, const word_t *cls) {
  static acc_t acc[GRID_W][DIM];
#pragma HLS array_partition variable = acc cyclic factor = PE_PATCHES dim = 1  // PE_PATCHES x PE_DIMS sums per cycle
#pragma HLS array_partition variable = acc cyclic factor = PE_DIMS dim = 2
  // The MAC loop reads PE_DIMS rows x PATCH columns of the weights and PE_DIMS biases per cycle.
#pragma HLS array_partition variable = patch_w cyclic factor = PE_DIMS dim = 1
#pragma HLS array_partition variable = patch_w cyclic factor = PATCH dim = 2
#pragma HLS array_partition variable = patch_b cyclic factor = PE_DIMS
pe_cls:
  for (int wi = 0; wi < DIM_WORDS; wi++) {
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    word_t word = pos[wi];
    if (!CLS_FOLDED) {  // compile-time: `cls` is only read when the cls token is a separate tensor
      const word_t cw = cls[wi];
    pe_cls_lanes:
      for (int j = 0; j < ACT_LANES; j++) act_set(word, j, act_t(act_get(word, j) + act_get(cw, j)));
    }
    x[wi] = word;
  }
pe_rows:
  for (int py = 0; py < GRID_H; py++) {
  pe_channels:
    for (int c = 0; c < IN_CH; c++) {
    pe_pixel_rows:
      for (int ky = 0; ky < PATCH; ky++) {
        const int row = (c * IMG_H + py * PATCH + ky) * IMG_W;  // element index of the image row
        const int kbase = (c * PATCH + ky) * PATCH;              // weight column of (c, ky, 0)
        const bool first = c == 0 && ky == 0;
      pe_groups:
        for (int g = 0; g < GRID_W / PE_PATCHES; g++) {
          pixel_t pix[PE_PATCHES][PATCH];
#pragma HLS array_partition variable = pix complete dim = 0
        pe_dim_groups:
          for (int db = 0; db < DIM / PE_DIMS; db++) {
#pragma HLS pipeline II = 1
            EDGEMOE_TICK();
            if (PE_GROUP_WORD_ALIGNED && db == 0) {  // constant first: the other branch folds away
              // The group's PE_GROUP_PIX pixels: PE_GROUP_WORDS whole words (one for Edge-MoE), one m_axi read each.
              const int e0 = row + g * PE_GROUP_PIX;
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
                pix[q / PATCH][q % PATCH] = word_elem<pixel_t, PIXEL_BITS>(gw[l / PIXEL_LANES], l % PIXEL_LANES);
              }
            } else if (!PE_GROUP_WORD_ALIGNED && db == 0) {  // general layout: one read per pixel (II = PE_GROUP_PIX)
            pe_read_pixels:
              for (int pp = 0; pp < PE_PATCHES; pp++) {
              pe_read_pixel_cols:
                for (int kx = 0; kx < PATCH; kx++) pix[pp][kx] = pe_pixel(img, row + (g * PE_PATCHES + pp) * PATCH + kx);
              }
            }
          pe_mac_patches:
            for (int pp = 0; pp < PE_PATCHES; pp++) {
#pragma HLS unroll
            pe_mac_dims:
              for (int dd = 0; dd < PE_DIMS; dd++) {
#pragma HLS unroll
                const int d = db * PE_DIMS + dd;
                const int px = g * PE_PATCHES + pp;
                acc_t a = first ? patch_b[d] : acc[px][d];
              pe_mac_pixels:
                for (int kx = 0; kx < PATCH; kx++) {
#pragma HLS unroll
                  a += acc_t(pix[pp][kx] * patch_w[d][kbase + kx]);  // product truncated to acc_t first
                }
                acc[px][d] = a;
              }
            }
          }
        }
      }
    }
  pe_write_patches:
    for (int px = 0; px < GRID_W; px++) {
      const int tok = 1 + py * GRID_W + px;
    pe_write_words:
      for (int wi = 0; wi < DIM_WORDS; wi++) {
#pragma HLS pipeline II = 1
        EDGEMOE_TICK();
        const word_t pw = pos[tok * DIM_WORDS + wi];
        word_t word = 0;
      pe_write_lanes:
        for (int j = 0; j < ACT_LANES; j++) {
#pragma HLS unroll
          act_set(word, j, act_t(act_t(acc[px][wi * ACT_LANES + j]) + act_get(pw, j)));
        }
        x[tok * DIM_WORDS + wi] = word;
      }
    }
  }
}

#endif  // EDGEMOE_PATCH_EMBED_H
