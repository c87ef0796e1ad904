// Testbench / bridge helpers (not kernel code): DRAM byte images <-> word_t arrays, whole-file I/O.
// A region's bytes are laid out little-end first: byte b sits in word b / WORD_BYTES at bits [(b % WORD_BYTES)·8, +8),
// which is exactly how the packed weights, the images and the int32 activations are stored in DRAM.
#ifndef EDGEMOE_TB_IO_H
#define EDGEMOE_TB_IO_H

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "params.h"

namespace edgemoe_tb {

static const int WORD_BYTES = AXI_BITS / 8;

// Copies nbytes bytes into consecutive words starting at dst (a trailing partial word is zero-filled).
// 64-bit chunks (or the whole word when it is narrower): one range store each; full chunks without per-byte checks.
inline void bytes_to_words(const unsigned char *src, size_t nbytes, word_t *dst) {
  static const int CB = WORD_BYTES < 8 ? WORD_BYTES : 8;  // bytes per chunk
  const size_t nwords = (nbytes + WORD_BYTES - 1) / WORD_BYTES;
  for (size_t w = 0; w < nwords; w++) {
    word_t word = 0;
    for (int c = 0; c < WORD_BYTES / CB; c++) {
      const size_t b0 = w * WORD_BYTES + c * CB;
      uint64_t chunk = 0;
      if (b0 + CB <= nbytes) {
        for (int k = 0; k < CB; k++) chunk |= uint64_t(src[b0 + k]) << (8 * k);
      } else {
        for (int k = 0; k < CB; k++)
          if (b0 + k < nbytes) chunk |= uint64_t(src[b0 + k]) << (8 * k);
      }
      word.range(c * CB * 8 + CB * 8 - 1, c * CB * 8) = ap_uint<CB * 8>(chunk);
    }
    dst[w] = word;
  }
}

// Copies nwords words into nwords·WORD_BYTES bytes.
inline void words_to_bytes(const word_t *src, size_t nwords, unsigned char *dst) {
  for (size_t w = 0; w < nwords; w++) {
    const word_t word = src[w];
    for (int c = 0; c < WORD_BYTES / 4; c++) {
      const ap_uint<32> part = word.range(c * 32 + 31, c * 32);
      const uint32_t chunk = uint32_t(part.to_uint64());
      for (int k = 0; k < 4; k++) dst[w * WORD_BYTES + c * 4 + k] = (unsigned char)(chunk >> (8 * k));
    }
  }
}

inline std::vector<unsigned char> read_file(const std::string &path) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  // Sized once from the file length (growing by inserts copied the 36 MB weights image about twice).
  std::vector<unsigned char> data;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    const long size = std::ftell(f);
    if (size > 0) data.reserve(size_t(size));
    std::rewind(f);
  }
  unsigned char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + n);
  std::fclose(f);
  return data;
}

inline void write_file(const std::string &path, const unsigned char *data, size_t n) {
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path);
  const size_t done = std::fwrite(data, 1, n, f);
  std::fclose(f);
  if (done != n) throw std::runtime_error("short write to " + path);
}

}  // namespace edgemoe_tb

#endif  // EDGEMOE_TB_IO_H
