// Patch embedding: the p×p / stride-p convolution as a matmul of each patch's pixels (c, ky, kx order) with the
// [D][C·p·p] weights held on chip, plus the bias, then pos_embed added; token 0 (cls) is pos_embed row 0 when the cls
// token is folded (Edge-MoE, gotcha 4), or cls_token + pos_embed row 0 otherwise. Tokens 1 + py·GRID_W + px.
//
// Usage, CONFIG_T a per-instance config struct (the generated params.h defines pe_config, hls4ml style) with members
//   typedef act_t, acc_t, wpatch_t, wbias_t, pixel_t, word_t;   word_t: the m_axi word (ap_uint<AXI_BITS>)
//   static const int DIM, IN_CH, PATCH, GRID_H, GRID_W, IMG_H, IMG_W, ACT_LANES, CLS_FOLDED;
//   static const int PE_PATCHES, PE_DIMS;   patches and output dims per MAC cycle
//   static const int WPATCH_BITS, WPATCH_W, WBIAS_BITS, WBIAS_W, PIXEL_BITS;   containers and stored raw bits
//   pe_buffers<CONFIG_T>::w_t patch_w;  pe_buffers<CONFIG_T>::b_t patch_b;   // on-chip, owned by the caller
//   load_patch_embed<CONFIG_T>(patch_w, patch_b, wmem + WO_PATCH_EMBED_PROJ_WEIGHT, wmem + WO_PATCH_EMBED_PROJ_BIAS);
//   patch_embed<CONFIG_T>(x_img, image_words, wmem + WO_POS_EMBED, cls_words, patch_w, patch_b);  // cls: !CLS_FOLDED
// The header reads nothing from params.h, so one translation unit may instantiate it with several configs.
//
// Arithmetic: the accumulator starts at the bias; each pixel·weight product is truncated to acc_t before it is added
// (as Edge-MoE); the sum is taken to act_t and pos_embed (act_t) added, wrapping as act_t.
// hardware.patchEmbed = 'unified' uses only the pos-embed pass here (patch_embed_pos): the sums come from the unified
// linear unit (unified_linear.h's patch reader), and no patch_w / patch_b exist.
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

/** Sizes derived from a config (the MAC loop's geometry). */
template <class CONFIG_T>
struct pe_geometry {
  static const int K = CONFIG_T::IN_CH * CONFIG_T::PATCH * CONFIG_T::PATCH;  // inputs per patch
  static const int AXI_BITS = CONFIG_T::word_t::width;
  static const int WPATCH_LANES = AXI_BITS / CONFIG_T::WPATCH_BITS;
  static const int WBIAS_LANES = AXI_BITS / CONFIG_T::WBIAS_BITS;
  static const int PIXEL_LANES = AXI_BITS / CONFIG_T::PIXEL_BITS;
  static const int ACT_BITS = AXI_BITS / CONFIG_T::ACT_LANES;
  static const int DIM_WORDS = CONFIG_T::DIM / CONFIG_T::ACT_LANES;
  static const int TOKEN_BUF_WORDS = (1 + CONFIG_T::GRID_H * CONFIG_T::GRID_W) * DIM_WORDS;  // cls + patch tokens
  /** 1 when a patch's C·p·p weights are whole weight words (every preset): lane j of a word is then always column
   *  bank j % PATCH of patch_w, so the loader's WPATCH_LANES writes per cycle go to distinct banks (II=1). */
  static const bool WROWS_WORD_ALIGNED = K % WPATCH_LANES == 0;
  static const int GROUP_PIX = CONFIG_T::PE_PATCHES * CONFIG_T::PATCH;  // pixels of one image row under a patch group
  /** 1 when a patch group's pixels of one image row are whole words or lie inside one word (Edge-MoE: exactly one
   *  word), so the image reader moves GROUP_WORDS words per group instead of one word per pixel. */
  static const bool GROUP_WORD_ALIGNED =
      CONFIG_T::IMG_W % PIXEL_LANES == 0 && (GROUP_PIX % PIXEL_LANES == 0 || PIXEL_LANES % GROUP_PIX == 0);
  static const int GROUP_WORDS = GROUP_PIX >= PIXEL_LANES ? GROUP_PIX / PIXEL_LANES : 1;
  static const int GROUPS = CONFIG_T::GRID_W / CONFIG_T::PE_PATCHES;                             // patch groups per patch row
  static const int ROW_STEPS = CONFIG_T::GRID_H * CONFIG_T::IN_CH * CONFIG_T::PATCH * GROUPS;  // (patch row, channel, pixel row, group) steps
  static const int MAC_STEPS = ROW_STEPS * (CONFIG_T::DIM / CONFIG_T::PE_DIMS);                // MAC loop iterations per image
};

/** The one-time weights [D][C·p·p] and bias [D]: owned by the caller (the top function keeps them in static storage
 *  so they persist on chip between kernel calls; reload = 0 reuses them). */
template <class CONFIG_T>
struct pe_buffers {
  typedef typename CONFIG_T::wpatch_t w_t[CONFIG_T::DIM][pe_geometry<CONFIG_T>::K];
  typedef typename CONFIG_T::acc_t b_t[CONFIG_T::DIM];
};

/** Loads the patch-embed weights [D][C·p·p] and bias [D] on chip (the reload path), one word per cycle. */
template <class CONFIG_T>
void load_patch_embed(typename pe_buffers<CONFIG_T>::w_t patch_w, typename pe_buffers<CONFIG_T>::b_t patch_b,
                      const typename CONFIG_T::word_t *w, const typename CONFIG_T::word_t *b, int sh_w = 0, int sh_b = 0) {
  typedef typename CONFIG_T::acc_t acc_t;
  typedef typename CONFIG_T::wpatch_t wpatch_t;
  typedef typename CONFIG_T::wbias_t wbias_t;
  typedef typename CONFIG_T::word_t word_t;
  const int DIM = CONFIG_T::DIM;
  const int PE_K = pe_geometry<CONFIG_T>::K;
  const int WPATCH_LANES = pe_geometry<CONFIG_T>::WPATCH_LANES;
  const int WBIAS_LANES = pe_geometry<CONFIG_T>::WBIAS_LANES;
  const int wtotal = DIM * PE_K;
  if (pe_geometry<CONFIG_T>::WROWS_WORD_ALIGNED) {
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
        patch_w[d][kw * WPATCH_LANES + j] = fxm_lane_get_shifted<wpatch_t, CONFIG_T::WPATCH_BITS, CONFIG_T::WPATCH_W, CONFIG_T::WS_BITS_WPATCH>(word, j, sh_w);
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
          patch_w[d][k] = fxm_lane_get_shifted<wpatch_t, CONFIG_T::WPATCH_BITS, CONFIG_T::WPATCH_W, CONFIG_T::WS_BITS_WPATCH>(word, j, sh_w);
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
      if (wi * WBIAS_LANES + j < DIM) patch_b[wi * WBIAS_LANES + j] = acc_t(fxm_lane_get_shifted<wbias_t, CONFIG_T::WBIAS_BITS, CONFIG_T::WBIAS_W, CONFIG_T::WS_BITS_WBIAS>(word, j, sh_b));
    }
  }
}

/** The pixels of one patch group under one image row. */
template <class CONFIG_T>
struct pe_group_t {
  typename CONFIG_T::pixel_t v[CONFIG_T::PE_PATCHES][CONFIG_T::PATCH];
};

/** Image reader: per (patch row, channel, pixel row, patch group) the group's pixels, in the MAC loop's order. With
 *  GROUP_WORD_ALIGNED (every preset) GROUP_WORDS whole words per group (one for Edge-MoE); otherwise one
 *  read per pixel. Fixed trip count, unconditional. */
template <class CONFIG_T>
void pe_read_image(const typename CONFIG_T::word_t *img, hls::stream<pe_group_t<CONFIG_T> > &groups) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::pixel_t pixel_t;
  typedef typename CONFIG_T::word_t word_t;
  typedef pe_geometry<CONFIG_T> G;
  const int IMG_H = CONFIG_T::IMG_H;
  const int IMG_W = CONFIG_T::IMG_W;
  const int PATCH = CONFIG_T::PATCH;
  const int PIXEL_LANES = G::PIXEL_LANES;
  const int PIXEL_BITS = CONFIG_T::PIXEL_BITS;
  const int PE_GROUP_PIX = G::GROUP_PIX;
  const int PE_GROUP_WORDS = G::GROUP_WORDS;
  const int PE_GROUPS = G::GROUPS;
  int py = 0, c = 0, ky = 0, g = 0;
pe_read_groups:
  for (int i = 0; i < G::ROW_STEPS; i++) {
#pragma HLS pipeline II = 1
    const int e0 = (c * IMG_H + py * PATCH + ky) * IMG_W + g * PE_GROUP_PIX;  // element index of the group's pixel 0
    pe_group_t<CONFIG_T> grp;
    if (G::GROUP_WORD_ALIGNED) {
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
        if (++c == CONFIG_T::IN_CH) {
          c = 0;
          py++;
        }
      }
    }
  }
}

/** MAC compute: per (patch row, channel, pixel row, group, dim group) PE_PATCHES x PE_DIMS x PATCH MACs (an adder
 *  tree per output); after each patch row its GRID_W x DIM sums leave as act_t words (one per cycle). */
// T_PE_PATCHES, T_PE_DIMS, T_ACC_DISTANCE: config values as single names for the pragmas; T_ACC_DISTANCE is the MAC
// iterations between updates of one sum (a row of groups: GROUPS x DIM/PE_DIMS).
template <class CONFIG_T, int T_PE_PATCHES = CONFIG_T::PE_PATCHES, int T_PE_DIMS = CONFIG_T::PE_DIMS,
          int T_ACC_DISTANCE = (CONFIG_T::GRID_W / CONFIG_T::PE_PATCHES) * (CONFIG_T::DIM / CONFIG_T::PE_DIMS),
          int T_MAC_II = CONFIG_T::MAC_II>
void pe_mac(hls::stream<pe_group_t<CONFIG_T> > &groups, const typename CONFIG_T::wpatch_t patch_w[CONFIG_T::DIM][pe_geometry<CONFIG_T>::K],
            const typename CONFIG_T::acc_t patch_b[CONFIG_T::DIM], hls::stream<typename CONFIG_T::word_t> &sums) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::acc_t acc_t;
  typedef typename CONFIG_T::word_t word_t;
  typedef pe_geometry<CONFIG_T> G;
  const int GRID_H = CONFIG_T::GRID_H;
  const int GRID_W = CONFIG_T::GRID_W;
  const int DIM = CONFIG_T::DIM;
  const int PATCH = CONFIG_T::PATCH;
  const int PE_PATCHES = CONFIG_T::PE_PATCHES;
  const int PE_DIMS = CONFIG_T::PE_DIMS;
  const int DIM_WORDS = G::DIM_WORDS;
  const int ACT_BITS = G::ACT_BITS;
  acc_t acc[GRID_W][DIM];
#pragma HLS array_partition variable = acc cyclic factor = T_PE_PATCHES dim = 1  // PE_PATCHES x PE_DIMS sums per cycle
#pragma HLS array_partition variable = acc cyclic factor = T_PE_DIMS dim = 2
  pe_group_t<CONFIG_T> grp;
pe_rows:
  for (int py = 0; py < GRID_H; py++) {
    int c = 0, ky = 0, g = 0, db = 0;
  pe_macs:
    for (int i = 0; i < G::MAC_STEPS / GRID_H; i++) {
#pragma HLS pipeline II = T_MAC_II  // 1 unless T_ACC_DISTANCE < 3 (plan.loops)
#pragma HLS dependence variable = acc inter true distance = T_ACC_DISTANCE  // (patch, dim) next updated a row of groups later
      EDGEMOE_TICK();
      if (db == 0) grp = groups.read();
      const int kbase = (c * PATCH + ky) * PATCH;  // weight column of (c, ky, 0)
      const bool first = c == 0 && ky == 0;
    pe_mac_patches:
      for (int pp = 0; pp < CONFIG_T::PE_PATCHES; pp++) {
#pragma HLS unroll
      pe_mac_dims:
        for (int dd = 0; dd < CONFIG_T::PE_DIMS; dd++) {
#pragma HLS unroll
          const int d = db * PE_DIMS + dd;
          const int px = g * PE_PATCHES + pp;
          acc_t prod[PATCH];
#pragma HLS array_partition variable = prod complete
        pe_mac_pixels:
          for (int kx = 0; kx < CONFIG_T::PATCH; kx++) {
#pragma HLS unroll
            prod[kx] = grp.v[pp][kx] * patch_w[d][kbase + kx];  // product truncated to acc_t first
          }
          acc[px][d] = (first ? patch_b[d] : acc[px][d]) + fxm_tree_sum<acc_t, PATCH>(prod);
        }
      }
      if (++db == DIM / PE_DIMS) {
        db = 0;
        if (++g == G::GROUPS) {
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
      for (int j = 0; j < CONFIG_T::ACT_LANES; j++) {
#pragma HLS unroll
        fxm_lane_set<act_t, ACT_BITS>(word, j, act_t(acc[px][wi * CONFIG_T::ACT_LANES + j]));
      }
      sums.write(word);
    }
  }
}

/** pos_embed reader: TOKENS x DIM_WORDS words in order (plus the cls token's words first when it is not folded). */
template <class CONFIG_T>
void pe_read_pos(const typename CONFIG_T::word_t *pos, const typename CONFIG_T::word_t *cls, hls::stream<typename CONFIG_T::word_t> &ps) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int ACT_BITS = pe_geometry<CONFIG_T>::ACT_BITS;
  const int TOKEN_BUF_WORDS = pe_geometry<CONFIG_T>::TOKEN_BUF_WORDS;
pe_read_pos_words:
  for (int i = 0; i < TOKEN_BUF_WORDS; i++) {
#pragma HLS pipeline II = 1
    word_t word = pos[i];
    if (!CONFIG_T::CLS_FOLDED && i < pe_geometry<CONFIG_T>::DIM_WORDS) {  // compile-time: `cls` is only read when the cls token is a separate tensor
      const word_t cw = cls[i];
    pe_cls_lanes:
      for (int j = 0; j < CONFIG_T::ACT_LANES; j++) fxm_lane_set<act_t, ACT_BITS>(word, j, act_t(fxm_lane_get<act_t, ACT_BITS>(word, j) + fxm_lane_get<act_t, ACT_BITS>(cw, j)));
    }
    ps.write(word);
  }
}

/** Writer: token 0 (cls) = its pos word, tokens 1.. = sum + pos (wrapping as act_t), one word per cycle. */
template <class CONFIG_T>
void pe_write(hls::stream<typename CONFIG_T::word_t> &sums, hls::stream<typename CONFIG_T::word_t> &ps, typename CONFIG_T::word_t *x) {
#pragma HLS inline off  // a DATAFLOW process of its own
  typedef typename CONFIG_T::act_t act_t;
  typedef typename CONFIG_T::word_t word_t;
  const int ACT_BITS = pe_geometry<CONFIG_T>::ACT_BITS;
  const int TOKEN_BUF_WORDS = pe_geometry<CONFIG_T>::TOKEN_BUF_WORDS;
pe_write_words:
  for (int i = 0; i < TOKEN_BUF_WORDS; i++) {
#pragma HLS pipeline II = 1
    EDGEMOE_TICK();
    const word_t pw = ps.read();
    word_t word = pw;
    if (i >= pe_geometry<CONFIG_T>::DIM_WORDS) {
      const word_t sw = sums.read();
    pe_write_lanes:
      for (int j = 0; j < CONFIG_T::ACT_LANES; j++) {
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
template <class CONFIG_T, int T_DIM_WORDS = CONFIG_T::DIM / CONFIG_T::ACT_LANES>  // the pos stream's depth as one name
void patch_embed(typename CONFIG_T::word_t *x, const typename CONFIG_T::word_t *img, const typename CONFIG_T::word_t *pos,
                 const typename CONFIG_T::word_t *cls, const typename CONFIG_T::wpatch_t patch_w[CONFIG_T::DIM][pe_geometry<CONFIG_T>::K],
                 const typename CONFIG_T::acc_t patch_b[CONFIG_T::DIM]) {
#pragma HLS inline off
#pragma HLS dataflow
  hls::stream<pe_group_t<CONFIG_T> > groups;
#pragma HLS stream variable = groups depth = 2  // one group per DIM/PE_DIMS cycles
  hls::stream<typename CONFIG_T::word_t> sums, ps;
#pragma HLS stream variable = sums depth = 2
#pragma HLS stream variable = ps depth = T_DIM_WORDS  // the cls row passes before the first sums arrive
  pe_read_image<CONFIG_T>(img, groups);
  pe_mac<CONFIG_T>(groups, patch_w, patch_b, sums);
  pe_read_pos<CONFIG_T>(pos, cls, ps);
  pe_write<CONFIG_T>(sums, ps, x);
}

/** Sums reader (hardware.patchEmbed = 'unified'): the patch tokens' words of a [TOKENS][DIM] buffer (tokens 1 ..
 *  TOKENS − 1, the linear unit's output rows) in order, one per cycle. */
template <class CONFIG_T>
void pe_read_sums(const typename CONFIG_T::word_t *y, hls::stream<typename CONFIG_T::word_t> &sums) {
#pragma HLS inline off  // a DATAFLOW process of its own
  const int DIM_WORDS = pe_geometry<CONFIG_T>::DIM_WORDS;
pe_read_sums_words:
  for (int i = 0; i < CONFIG_T::GRID_H * CONFIG_T::GRID_W * DIM_WORDS; i++) {
#pragma HLS pipeline II = 1
    sums.write(y[DIM_WORDS + i]);
  }
}

/**
 * The pos-embed pass of hardware.patchEmbed = 'unified': x = y + pos_embed for the patch tokens (the act_t outputs of
 * the linear unit in y's rows 1 .., wrapping as act_t, as patch_embed's writer) and x's row 0 = pos_embed row 0 (plus
 * cls_token when !CLS_FOLDED). A dataflow of the sums reader, the pos_embed reader and the writer of patch_embed.
 */
template <class CONFIG_T, int T_DIM_WORDS = CONFIG_T::DIM / CONFIG_T::ACT_LANES>  // the pos stream's depth as one name
void patch_embed_pos(typename CONFIG_T::word_t *x, const typename CONFIG_T::word_t *y, const typename CONFIG_T::word_t *pos,
                     const typename CONFIG_T::word_t *cls) {
#pragma HLS inline off
#pragma HLS dataflow
  hls::stream<typename CONFIG_T::word_t> sums, ps;
#pragma HLS stream variable = sums depth = 2
#pragma HLS stream variable = ps depth = T_DIM_WORDS  // the cls row passes before the first sums arrive
  pe_read_sums<CONFIG_T>(y, sums);
  pe_read_pos<CONFIG_T>(pos, cls, ps);
  pe_write<CONFIG_T>(sums, ps, x);
}

}  // namespace edgemoe

#endif  // EDGEMOE_PATCH_EMBED_H
