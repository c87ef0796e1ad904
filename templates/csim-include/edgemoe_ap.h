// ap_int / ap_uint / ap_fixed / ap_ufixed for C simulation, written for edgemoe from shared/spec/ap-fixed.md.
// Semantics follow the vendor C-sim headers bit for bit (see README.md for the list of checked behaviours).
#ifndef EDGEMOE_AP_H
#define EDGEMOE_AP_H

#include <iostream>
#include <sstream>
#include <iomanip>

#include "edgemoe_ap_engine.h"

namespace apx {
template <int W, int I, bool S> struct fxt { typedef ap_fixed<W, I> type; };
template <int W, int I> struct fxt<W, I, false> { typedef ap_ufixed<W, I> type; };
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N> struct fxfull { typedef ap_fixed<W, I, Q, O, N> type; };
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N> struct fxfull<W, I, false, Q, O, N> {
  typedef ap_ufixed<W, I, Q, O, N> type;
};
template <int W, bool S> struct intt { typedef ap_int<W> type; };
template <int W> struct intt<W, false> { typedef ap_uint<W> type; };

// Result types of binary fixed-point operators (ap-fixed.md section 3).
template <int W1, int I1, bool S1, int W2, int I2, bool S2> struct fxr {
  enum {
    F1 = W1 - I1, F2 = W2 - I2,
    I1p = I1 + (S2 && !S1), I2p = I2 + (S1 && !S2),
    Fm = F1 > F2 ? F1 : F2, Im = I1p > I2p ? I1p : I2p,
    S = S1 || S2,
    plus_w = Im + 1 + Fm, plus_i = Im + 1,
    mult_w = W1 + W2, mult_i = I1 + I2,
    div_w = W1 + (F2 > 0 ? F2 : 0) + S2, div_i = I1 + F2 + S2,
    logic_w = Im + Fm, logic_i = Im
  };
  typedef typename fxt<plus_w, plus_i, S>::type plus;
  typedef typename fxt<plus_w, plus_i, true>::type minus;
  typedef typename fxt<mult_w, mult_i, S>::type mult;
  typedef typename fxt<div_w, div_i, S>::type div;
  typedef typename fxt<logic_w, logic_i, S>::type logic;
};
// Result types of binary ap_int operators (an ap_int<W> is ap_fixed<W,W>).
template <int W1, bool S1, int W2, bool S2> struct intr {
  enum {
    W1p = W1 + (S2 && !S1), W2p = W2 + (S1 && !S2), Wm = W1p > W2p ? W1p : W2p, S = S1 || S2,
    plus_w = Wm + 1, mult_w = W1 + W2, div_w = W1 + S2, logic_w = Wm
  };
  typedef typename intt<plus_w, S>::type plus;
  typedef typename intt<plus_w, true>::type minus;
  typedef typename intt<mult_w, S>::type mult;
  typedef typename intt<div_w, S>::type div;
  typedef typename intt<W1, S1>::type mod;
  typedef typename intt<logic_w, S>::type logic;
};
// Return type of ap_int's implicit conversion (by byte count, as the vendor headers).
template <int W, bool S> struct rett {
  typedef typename std::conditional<
      (W <= 8), typename std::conditional<S, signed char, unsigned char>::type,
      typename std::conditional<
          (W <= 16), typename std::conditional<S, short, unsigned short>::type,
          typename std::conditional<(W <= 32), typename std::conditional<S, int, unsigned int>::type,
                                    typename std::conditional<S, long long, unsigned long long>::type>::type>::type>::type
      type;
};
struct raw_tag {};
// Selects raw_base's zeroing constructor (the value types' default constructors).
struct zero_tag {};
}  // namespace apx

// --------------------------------------------------------------------------------------------- bit / range proxies
// A view of bits of a W-bit raw value (ap_int or ap_fixed). Reading gives the unsigned field; writing sets raw bits.
template <int W, bool S>
struct ap_range_ref {
  enum { NLW = apx::NL(W) };
  apx::u64* p;
  int hi, lo;
  // Inlined (every packed-lane access builds one); the error report stays out of line.
  __attribute__((always_inline)) ap_range_ref(apx::u64* p_, int h, int l) : p(p_), hi(h), lo(l) {
    if (__builtin_expect(h < 0 || l < 0 || h >= W || l >= W, 0)) apx::range_oob(h, l, W);
  }
  int length() const { return (hi >= lo ? hi - lo : lo - hi) + 1; }
  // The field as an unsigned W-bit value.
  ap_int_base<W, false> get() const;
  void get_general(apx::u64* out) const;
  // Inlined (a lane write of a packed word, or a raw write of a whole value, is a mask-and-or); fields across limbs
  // take set_general.
  __attribute__((always_inline)) void set(const apx::u64* v, int nv) {  // v: field bits, low-aligned, zero-extended
    const int len = length();
    if (hi >= lo && (hi >> 6) == (lo >> 6)) {  // the field lies in one limb (every lane of a packed word)
      const int L = lo >> 6, b = lo & 63;
      const apx::u64 m = apx::lowmask(len);
      const apx::u64 t = (p[L] & ~(m << b)) | ((v[0] & m) << b);
      // Only the top limb carries the sign/zero extension; it holds W - 64 (NLW - 1) bits.
      p[L] = L == NLW - 1 ? apx::norm64(t, W - 64 * (NLW - 1), S) : t;
      return;
    }
    set_general(v, nv);
  }
  void set_general(const apx::u64* v, int nv) {
    const int len = length();
    if (hi >= lo) {
      apx::wsetfield(p, NLW, lo, len, v, nv);
    } else {
      apx::wsetreversed(p, lo, len, v, nv);
    }
    apx::wnorm(p, NLW, W, S);
  }
  apx::u64 to_uint64() const;
  apx::i64 to_int64() const { return (apx::i64)to_uint64(); }
  int to_int() const { return (int)to_uint64(); }
  unsigned to_uint() const { return (unsigned)to_uint64(); }
  long to_long() const { return (long)to_uint64(); }
  unsigned long to_ulong() const { return (unsigned long)to_uint64(); }
  bool to_bool() const { return to_uint64() != 0; }
  double to_double() const { return (double)to_uint64(); }
  operator unsigned long long() const { return to_uint64(); }
  std::string to_string(int radix = 2) const;

  ap_range_ref& operator=(unsigned long long v) {
    apx::u64 t[1] = {v};
    set(t, 1);
    return *this;
  }
  ap_range_ref& operator=(long long v) { return *this = (unsigned long long)v; }
  ap_range_ref& operator=(unsigned long v) { return *this = (unsigned long long)v; }
  ap_range_ref& operator=(long v) { return *this = (unsigned long long)(long long)v; }
  ap_range_ref& operator=(unsigned v) { return *this = (unsigned long long)v; }
  ap_range_ref& operator=(int v) { return *this = (unsigned long long)(long long)v; }
  ap_range_ref& operator=(bool v) { return *this = (unsigned long long)v; }
  ap_range_ref& operator=(char v) { return *this = (unsigned long long)(long long)v; }
  ap_range_ref& operator=(unsigned char v) { return *this = (unsigned long long)v; }
  ap_range_ref& operator=(short v) { return *this = (unsigned long long)(long long)v; }
  ap_range_ref& operator=(unsigned short v) { return *this = (unsigned long long)v; }
  template <int W2, bool S2>
  ap_range_ref& operator=(const ap_int_base<W2, S2>& v);
  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
  ap_range_ref& operator=(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& v);
  ap_range_ref& operator=(const ap_range_ref& r);
  template <int W2, bool S2>
  ap_range_ref& operator=(const ap_range_ref<W2, S2>& r);
};

template <int W, bool S>
struct ap_bit_ref {
  apx::u64* p;
  int idx;
  ap_bit_ref(apx::u64* p_, int i) : p(p_), idx(i) {
    if (i < 0 || i >= W) {
      std::fprintf(stderr, "ERROR: bit index %d out of bounds for a %d-bit value\n", i, W);
      std::abort();
    }
  }
  bool get() const { return apx::wbit(p, apx::NL(W), idx); }
  operator bool() const { return get(); }
  bool to_bool() const { return get(); }
  int to_int() const { return get(); }
  bool operator~() const { return !get(); }
  bool operator!() const { return !get(); }
  int length() const { return 1; }
  ap_bit_ref& set(bool b) {
    apx::wsetbit(p, idx, b);
    apx::wnorm(p, apx::NL(W), W, S);
    return *this;
  }
  ap_bit_ref& operator=(bool b) { return set(b); }
  ap_bit_ref& operator=(int b) { return set(b != 0); }
  ap_bit_ref& operator=(unsigned b) { return set(b != 0); }
  ap_bit_ref& operator=(long b) { return set(b != 0); }
  ap_bit_ref& operator=(unsigned long b) { return set(b != 0); }
  ap_bit_ref& operator=(long long b) { return set(b != 0); }
  ap_bit_ref& operator=(unsigned long long b) { return set(b != 0); }
  ap_bit_ref& operator=(const ap_bit_ref& b) { return set(b.get()); }
  template <int W2, bool S2>
  ap_bit_ref& operator=(const ap_bit_ref<W2, S2>& b) { return set(b.get()); }
  template <int W2, bool S2>
  ap_bit_ref& operator=(const ap_int_base<W2, S2>& v);
};

// --------------------------------------------------------------------------------------------- raw_base
namespace apx {
// The raw W-bit storage and the operations that read it, or keep it as raw bits, shared by ap_int_base and
// ap_fixed_base (CRTP): D is the derived base class, Self the value type the width-preserving ops return.
template <class D, class Self, int W, bool S>
struct raw_base {
  enum { NLW = NL(W) };
  u64 rv_[NLW];

  // Uninitialised storage for the constructors that write every limb; zeroed (constexpr) for the default ones.
  raw_base() = default;
  constexpr explicit raw_base(zero_tag) : rv_{} {}

  bool is_neg() const { return S && wneg(rv_, NLW); }
  bool iszero() const { return wiszero(rv_, NLW); }
  bool to_bool() const { return !wiszero(rv_, NLW); }
  int length() const { return W; }
  int countLeadingZeros() const {
    int c = 0;
    for (int i = W - 1; i >= 0 && !get_bit(i); --i) ++c;
    return c;
  }

  // bits and ranges (raw bits, LSB 0)
  ap_range_ref<W, S> range(int hi, int lo) { return ap_range_ref<W, S>(rv_, hi, lo); }
  ap_range_ref<W, S> range() { return ap_range_ref<W, S>(rv_, W - 1, 0); }
  ap_range_ref<W, S> operator()(int hi, int lo) { return range(hi, lo); }
  // Inlined like get(): a lane read of a packed word (the attention and load loops) is then a shift and a mask.
  __attribute__((always_inline)) ap_int_base<W, false> range(int hi, int lo) const { return ap_range_ref<W, S>(const_cast<u64*>(rv_), hi, lo).get(); }
  ap_int_base<W, false> range() const { return range(W - 1, 0); }
  ap_int_base<W, false> operator()(int hi, int lo) const { return range(hi, lo); }
  ap_bit_ref<W, S> operator[](int i) { return ap_bit_ref<W, S>(rv_, i); }
  bool operator[](int i) const { return ap_bit_ref<W, S>(const_cast<u64*>(rv_), i).get(); }
  ap_bit_ref<W, S> bit(int i) { return (*this)[i]; }
  bool bit(int i) const { return wbit(rv_, NLW, i); }
  bool get_bit(int i) const { return wbit(rv_, NLW, i); }
  void set_bit(int i, bool b) { (*this)[i] = b; }

  // unary (operator- is the derived class's: its result type differs)
  Self operator~() const {
    Self r(raw_tag{});
    for (int i = 0; i < NLW; ++i) r.rv_[i] = ~rv_[i];
    wnorm(r.rv_, NLW, W, S);
    return r;
  }
  bool operator!() const { return iszero(); }
  Self operator+() const { return static_cast<const Self&>(static_cast<const D&>(*this)); }

  // shifts keep the width (fixed types: the type, ignoring Q/O)
  Self shl(int n) const {
    if (n < 0) return shr(-n);
    Self r(raw_tag{});
    if (W <= 64) {
      r.rv_[0] = norm64(shl64(rv_[0], n), W, S);
    } else {
      for (int i = 0; i < NLW; ++i) r.rv_[i] = rv_[i];
      wshl(r.rv_, NLW, n);
      wnorm(r.rv_, NLW, W, S);
    }
    return r;
  }
  Self shr(int n) const {
    if (n < 0) return shl(-n);
    Self r(raw_tag{});
    if (W <= 64) {
      const int k = n > 63 ? 63 : n;
      r.rv_[0] = S ? (u64)((i64)rv_[0] >> k) : (n > 63 ? 0 : rv_[0] >> k);
    } else {
      for (int i = 0; i < NLW; ++i) r.rv_[i] = rv_[i];
      wshr(r.rv_, NLW, n, S);
    }
    return r;
  }
  Self operator<<(int n) const { return shl(n); }
  Self operator>>(int n) const { return shr(n); }
  Self operator<<(unsigned n) const { return shl(n > 1000000u ? 1000000 : (int)n); }
  Self operator>>(unsigned n) const { return shr(n > 1000000u ? 1000000 : (int)n); }
  Self operator<<(long n) const { return shl(n > 1000000 ? 1000000 : (n < -1000000 ? -1000000 : (int)n)); }
  Self operator>>(long n) const { return shr(n > 1000000 ? 1000000 : (n < -1000000 ? -1000000 : (int)n)); }
  Self operator<<(unsigned long n) const { return shl(n > 1000000u ? 1000000 : (int)n); }
  Self operator>>(unsigned long n) const { return shr(n > 1000000u ? 1000000 : (int)n); }
  Self operator<<(long long n) const { return shl(n > 1000000 ? 1000000 : (n < -1000000 ? -1000000 : (int)n)); }
  Self operator>>(long long n) const { return shr(n > 1000000 ? 1000000 : (n < -1000000 ? -1000000 : (int)n)); }
  Self operator<<(unsigned long long n) const { return shl(n > 1000000u ? 1000000 : (int)n); }
  Self operator>>(unsigned long long n) const { return shr(n > 1000000u ? 1000000 : (int)n); }
  template <int W2, bool S2>
  Self operator<<(const ap_int_base<W2, S2>& n) const {
    return S2 ? shl((int)n.to_int64()) : shl(n.to_uint64() > 1000000u ? 1000000 : (int)n.to_uint64());
  }
  template <int W2, bool S2>
  Self operator>>(const ap_int_base<W2, S2>& n) const {
    return S2 ? shr((int)n.to_int64()) : shr(n.to_uint64() > 1000000u ? 1000000 : (int)n.to_uint64());
  }

  // a = D(v): the value stored back through the derived class's conversion (op=, ++, --)
  template <class T>
  Self& store_back(const T& v) {
    D& d = static_cast<D&>(*this);
    d = D(v);
    return static_cast<Self&>(d);
  }

  // post-increments: the old value, then the derived class's pre-increment (which stores back)
  Self operator++(int) {
    Self t(static_cast<const Self&>(static_cast<const D&>(*this)));
    ++static_cast<D&>(*this);
    return t;
  }
  Self operator--(int) {
    Self t(static_cast<const Self&>(static_cast<const D&>(*this)));
    --static_cast<D&>(*this);
    return t;
  }
};
}  // namespace apx

// --------------------------------------------------------------------------------------------- ap_int_base
template <int W, bool S>
struct ap_int_base : apx::raw_base<ap_int_base<W, S>, typename apx::intt<W, S>::type, W, S> {
  static_assert(W >= 1 && W <= 32768, "ap_int width must be 1..32768");
  enum { NLW = apx::NL(W) };
  static const int width = W;
  static const bool sign_flag = S;
  typedef typename apx::intt<W, S>::type Self;
  typedef typename apx::rett<W, S>::type RetType;
  typedef apx::raw_base<ap_int_base, Self, W, S> Raw;
  using Raw::rv_;
  using Raw::operator++;  // the derived pre-increments would hide them
  using Raw::operator--;

  // constexpr: g++ then zero-initialises a local array of values as one aggregate, which dead-store elimination drops
  // when the loop after it writes every element (no per-element constructor loop).
  constexpr ap_int_base() : Raw(apx::zero_tag{}) {}
  ap_int_base(apx::raw_tag) {}
  template <int W2, bool S2>
  ap_int_base(const ap_int_base<W2, S2>& o) {
    // A narrow target keeps the low 64 bits of any source (truncation), re-normalised to W bits.
    if (W <= 64) {
      rv_[0] = apx::norm64(o.rv_[0], W, S);
    } else {
      apx::wext(rv_, NLW, o.rv_, apx::NL(W2), S2);
      apx::wnorm(rv_, NLW, W, S);
    }
  }
  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
  ap_int_base(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& o);
  template <int W2, bool S2>
  ap_int_base(const ap_range_ref<W2, S2>& r) : ap_int_base(r.get()) {}
  template <int W2, bool S2>
  ap_int_base(const ap_bit_ref<W2, S2>& b) : ap_int_base((unsigned long long)b.get()) {}
#define APX_INT_CTOR(T) \
  ap_int_base(T v) { set_i128((apx::i128)v); }
  APX_INT_CTOR(bool)
  APX_INT_CTOR(char)
  APX_INT_CTOR(signed char)
  APX_INT_CTOR(unsigned char)
  APX_INT_CTOR(short)
  APX_INT_CTOR(unsigned short)
  APX_INT_CTOR(int)
  APX_INT_CTOR(unsigned int)
  APX_INT_CTOR(long)
  APX_INT_CTOR(unsigned long)
  APX_INT_CTOR(long long)
  APX_INT_CTOR(unsigned long long)
#undef APX_INT_CTOR
  ap_int_base(double d) { set_double(d); }
  ap_int_base(float f) { set_double((double)f); }
  ap_int_base(const char* s, int radix = 0) { from_string(s, radix); }

  void set_i128(apx::i128 v) {
    if (W <= 64) {
      rv_[0] = apx::norm64((apx::u64)v, W, S);
    } else {
      apx::u64 t[2] = {(apx::u64)v, (apx::u64)((apx::u128)v >> 64)};
      apx::wext(rv_, NLW, t, 2, true);
      apx::wnorm(rv_, NLW, W, S);
    }
  }
  void set_double(double d) {
    // Vendor quirk [I11]: a negative double of magnitude below 2^-54 converts to +1.
    if (d < 0 && d > -5.5511151231257827e-17) {
      set_i128(1);
      return;
    }
    apx::store_double<W, W, S, AP_TRN_ZERO, AP_WRAP, 0, false>(rv_, d);
  }
  void from_string(const char* s, int radix);

  // raw-value helpers
  apx::u64 to_uint64() const { return rv_[0]; }
  apx::i64 to_int64() const { return (apx::i64)rv_[0]; }
  unsigned long long to_ulong_long() const { return rv_[0]; }
  int to_int() const { return (int)rv_[0]; }
  unsigned to_uint() const { return (unsigned)rv_[0]; }
  long to_long() const { return (long)rv_[0]; }
  unsigned long to_ulong() const { return (unsigned long)rv_[0]; }
  double to_double() const { return apx::to_fp<W, S>(rv_, 0, false); }
  float to_float() const { return (float)apx::to_fp<W, S>(rv_, 0, true); }
  operator RetType() const { return (RetType)rv_[0]; }
  bool is_zero() const { return this->iszero(); }
  bool sign() const { return this->is_neg(); }

  // bits and ranges: range, operator[], bit, get_bit, set_bit in raw_base
  void set(int i) { (*this)[i] = true; }
  void clear(int i) { (*this)[i] = false; }
  void set(int i, bool b) { (*this)[i] = b; }
  void invert(int i) { (*this)[i] = !this->bit(i); }
  bool and_reduce() const {
    ap_int_base<W, false> u(*this);
    ap_int_base<W, false> m;
    for (int i = 0; i < NLW; ++i) m.rv_[i] = ~0ULL;
    apx::wnorm(m.rv_, NLW, W, false);
    return apx::wcmpu(u.rv_, m.rv_, NLW) == 0;
  }
  bool or_reduce() const { return !this->iszero(); }
  bool xor_reduce() const {
    int c = 0;
    for (int i = 0; i < W; ++i) c ^= (int)this->bit(i);
    return c;
  }
  bool nand_reduce() const { return !and_reduce(); }
  bool nor_reduce() const { return !or_reduce(); }
  bool xnor_reduce() const { return !xor_reduce(); }
  Self& reverse() {
    ap_int_base<W, S> t(*this);
    for (int i = 0; i < W; ++i) apx::wsetbit(rv_, W - 1 - i, t.bit(i));
    apx::wnorm(rv_, NLW, W, S);
    return static_cast<Self&>(*this);
  }
  std::string to_string(int radix = 2, bool sign = S) const;

  // unary (~, ! and + in raw_base)
  typename apx::intt<W + 1, true>::type operator-() const;

  // shifts keep the width (shl, shr, << and >> in raw_base)
  template <class T>
  ap_int_base& operator<<=(const T& n) { return *this = *this << n; }
  template <class T>
  ap_int_base& operator>>=(const T& n) { return *this = *this >> n; }

  // increments store back with wrap (post-increments in raw_base)
  Self& operator++() { return this->store_back(*this + 1); }
  Self& operator--() { return this->store_back(*this - 1); }

  // compound assignment: a op= b  ==  a = a op b
#define APX_INT_OPEQ(OP)                                                                                 \
  template <int W2, bool S2>                                                                             \
  Self& operator OP##=(const ap_int_base<W2, S2>& b) { return this->store_back(*this OP b); }           \
  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>                                 \
  Self& operator OP##=(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& b) {                                \
    return this->store_back(*this OP b);                                                                 \
  }                                                                                                      \
  template <int W2, bool S2>                                                                             \
  Self& operator OP##=(const ap_range_ref<W2, S2>& b) {                                                 \
    return this->store_back(*this OP ap_int_base<W2, false>(b));                                         \
  }                                                                                                      \
  template <class T>                                                                                     \
  typename std::enable_if<apx::cint<T>::ok, Self&>::type operator OP##=(T b) {                          \
    return this->store_back(*this OP ap_int_base<apx::cint<T>::W, (bool)apx::cint<T>::S>(b));           \
  }
  APX_INT_OPEQ(+)
  APX_INT_OPEQ(-)
  APX_INT_OPEQ(*)
  APX_INT_OPEQ(/)
  APX_INT_OPEQ(%)
  APX_INT_OPEQ(&)
  APX_INT_OPEQ(|)
  APX_INT_OPEQ(^)
#undef APX_INT_OPEQ
};

template <int W>
struct ap_int : ap_int_base<W, true> {
  typedef ap_int_base<W, true> Base;
  constexpr ap_int() {}
  using Base::Base;
  ap_int(const Base& b) : Base(b) {}
};
template <int W>
struct ap_uint : ap_int_base<W, false> {
  typedef ap_int_base<W, false> Base;
  constexpr ap_uint() {}
  using Base::Base;
  ap_uint(const Base& b) : Base(b) {}
};

// get() is inlined: a lane read out of a wide word (the kernels' inner loops) then costs a shift and a mask, and
// the zero upper limbs die when the caller narrows the result; other fields take the out-of-line general path.
template <int W, bool S>
__attribute__((always_inline)) inline ap_int_base<W, false> ap_range_ref<W, S>::get() const {
  ap_int_base<W, false> r(apx::raw_tag{});
  const int len = length();
  if (hi >= lo && (W <= 64 || len <= 64)) {
    if (W <= 64) {
      r.rv_[0] = (p[0] >> lo) & apx::lowmask(len);
    } else {
      const int L = lo >> 6, b = lo & 63;
      apx::u64 v = p[L] >> b;
      if (b && L + 1 < NLW) v |= p[L + 1] << (64 - b);
      r.rv_[0] = v & apx::lowmask(len);
      for (int i = 1; i < NLW; ++i) r.rv_[i] = 0;
    }
  } else {
    get_general(r.rv_);
  }
  return r;
}
template <int W, bool S>
__attribute__((noinline)) void ap_range_ref<W, S>::get_general(apx::u64* out) const {
  if (hi >= lo) {
    apx::wgetfield(out, NLW, p, NLW, lo, length());
  } else {
    apx::wgetreversed(out, NLW, p, lo, length());
  }
}
template <int W, bool S>
apx::u64 ap_range_ref<W, S>::to_uint64() const {
  if (W <= 64 && hi >= lo) return (p[0] >> lo) & apx::lowmask(hi - lo + 1);
  return get().rv_[0];
}
template <int W, bool S>
std::string ap_range_ref<W, S>::to_string(int radix) const {
  return get().to_string(radix, false);
}
template <int W, bool S>
template <int W2, bool S2>
__attribute__((always_inline)) inline ap_range_ref<W, S>& ap_range_ref<W, S>::operator=(const ap_int_base<W2, S2>& v) {
  // Extend to at least the field width (sign-extension fills a wider field, as in the vendor headers).
  ap_int_base<(W > W2 ? W : W2), S2> t(v);
  set(t.rv_, apx::NL(W > W2 ? W : W2));
  return *this;
}
template <int W, bool S>
template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
__attribute__((always_inline)) inline ap_range_ref<W, S>& ap_range_ref<W, S>::operator=(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& v) {
  // The fixed value's raw bits (the vendor headers assign the underlying bit pattern).
  ap_int_base<(W > W2 ? W : W2), S2> t(apx::raw_tag{});
  apx::wext(t.rv_, apx::NL(W > W2 ? W : W2), v.rv_, apx::NL(W2), S2);
  set(t.rv_, apx::NL(W > W2 ? W : W2));
  return *this;
}
template <int W, bool S>
__attribute__((always_inline)) inline ap_range_ref<W, S>& ap_range_ref<W, S>::operator=(const ap_range_ref& r) {
  ap_int_base<W, false> t = r.get();
  set(t.rv_, NLW);
  return *this;
}
template <int W, bool S>
template <int W2, bool S2>
__attribute__((always_inline)) inline ap_range_ref<W, S>& ap_range_ref<W, S>::operator=(const ap_range_ref<W2, S2>& r) {
  ap_int_base<W2, false> t = r.get();
  set(t.rv_, apx::NL(W2));
  return *this;
}
template <int W, bool S>
template <int W2, bool S2>
ap_bit_ref<W, S>& ap_bit_ref<W, S>::operator=(const ap_int_base<W2, S2>& v) {
  return set(v.bit(0));
}

// --------------------------------------------------------------------------------------------- ap_fixed_base
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
struct ap_fixed_base : apx::raw_base<ap_fixed_base<W, I, S, Q, O, N>, typename apx::fxfull<W, I, S, Q, O, N>::type, W, S> {
  static_assert(W >= 1 && W <= 32768, "ap_fixed width must be 1..32768");
  enum { NLW = apx::NL(W), F = W - I };
  static const int width = W;
  static const int iwidth = I;
  static const ap_q_mode qmode = Q;
  static const ap_o_mode omode = O;
  static const int nbits = N;
  static const bool sign_flag = S;
  typedef typename apx::fxfull<W, I, S, Q, O, N>::type Self;
  typedef apx::raw_base<ap_fixed_base, Self, W, S> Raw;
  using Raw::rv_;
  using Raw::operator++;  // the derived pre-increments would hide them
  using Raw::operator--;

  static void check_mode() {
    if (!S && O == AP_WRAP_SM) {
      std::fprintf(stderr, "ERROR: AP_WRAP_SM is not supported for unsigned fixed-point types\n");
      std::exit(1);
    }
  }
  // constexpr (see ap_int_base()); the mode check runs only for the one invalid combination.
  constexpr ap_fixed_base() : Raw(apx::zero_tag{}) {
    if (!S && O == AP_WRAP_SM) check_mode();
  }
  ap_fixed_base(apx::raw_tag) {}
  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
  ap_fixed_base(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& o) {
    check_mode();
    apx::store_raw<W, I, S, Q, O, N, W2, S2>(rv_, o.rv_, (W2 - I2) - F);
  }
  template <int W2, bool S2>
  ap_fixed_base(const ap_int_base<W2, S2>& o) {
    check_mode();
    apx::store_raw<W, I, S, Q, O, N, W2, S2>(rv_, o.rv_, -F);
  }
  template <int W2, bool S2>
  ap_fixed_base(const ap_range_ref<W2, S2>& r) : ap_fixed_base(r.get()) {}
  template <int W2, bool S2>
  ap_fixed_base(const ap_bit_ref<W2, S2>& b) : ap_fixed_base(ap_int_base<1, false>(b.get())) {}
#define APX_FX_CTOR(T)                                                                          \
  ap_fixed_base(T v) {                                                                          \
    check_mode();                                                                               \
    apx::store_i128<W, I, S, Q, O, N>(rv_, (apx::i128)v, -F, apx::cint<T>::W + 1);              \
  }
  APX_FX_CTOR(bool)
  APX_FX_CTOR(char)
  APX_FX_CTOR(signed char)
  APX_FX_CTOR(unsigned char)
  APX_FX_CTOR(short)
  APX_FX_CTOR(unsigned short)
  APX_FX_CTOR(int)
  APX_FX_CTOR(unsigned int)
  APX_FX_CTOR(long)
  APX_FX_CTOR(unsigned long)
  APX_FX_CTOR(long long)
  APX_FX_CTOR(unsigned long long)
#undef APX_FX_CTOR
  ap_fixed_base(double d) {
    check_mode();
    apx::store_double<W, I, S, Q, O, N>(rv_, d);
  }
  ap_fixed_base(float f) {
    check_mode();
    apx::store_double<W, I, S, Q, O, N>(rv_, (double)f);
  }

  // conversions out: integers truncate toward zero
  apx::u64 trunc64() const { return apx::trunc_int64<W, S>(rv_, F); }
  int to_int() const { return (int)trunc64(); }
  unsigned to_uint() const { return (unsigned)trunc64(); }
  long to_long() const { return (long)trunc64(); }
  unsigned long to_ulong() const { return (unsigned long)trunc64(); }
  long long to_int64() const { return (long long)trunc64(); }
  unsigned long long to_uint64() const { return trunc64(); }
  double to_double() const { return apx::to_fp<W, S>(rv_, F, false); }
  float to_float() const { return (float)apx::to_fp<W, S>(rv_, F, true); }
  ap_int_base<(I > 1 ? I : 1), S> to_ap_int_base(bool = false) const { return ap_int_base<(I > 1 ? I : 1), S>(*this); }
  operator bool() const { return this->to_bool(); }
  operator char() const { return (char)trunc64(); }
  operator signed char() const { return (signed char)trunc64(); }
  operator unsigned char() const { return (unsigned char)trunc64(); }
  operator short() const { return (short)trunc64(); }
  operator unsigned short() const { return (unsigned short)trunc64(); }
  operator int() const { return (int)trunc64(); }
  operator unsigned int() const { return (unsigned int)trunc64(); }
  operator long() const { return (long)trunc64(); }
  operator unsigned long() const { return (unsigned long)trunc64(); }
  operator long long() const { return (long long)trunc64(); }
  operator unsigned long long() const { return trunc64(); }
  operator float() const { return to_float(); }
  operator double() const { return to_double(); }
  std::string to_string(int radix = 2, bool sign = S) const;

  // bits and ranges, ~, !, + in raw_base
  typename apx::fxt<W + 1, I + 1, true>::type operator-() const;

  // shifts keep the type and ignore Q/O (shl, shr, << and >> in raw_base)
  template <class T>
  Self& operator<<=(const T& n) {
    *this = *this << n;
    return static_cast<Self&>(*this);
  }
  template <class T>
  Self& operator>>=(const T& n) {
    *this = *this >> n;
    return static_cast<Self&>(*this);
  }

  Self& operator++() { return this->store_back(*this + 1); }
  Self& operator--() { return this->store_back(*this - 1); }

#define APX_FX_OPEQ(OP)                                                                             \
  template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>                            \
  Self& operator OP##=(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& b) {                           \
    return this->store_back(*this OP b);                                                            \
  }                                                                                                 \
  template <int W2, bool S2>                                                                        \
  Self& operator OP##=(const ap_int_base<W2, S2>& b) { return this->store_back(*this OP b); }      \
  template <class T>                                                                                \
  typename std::enable_if<apx::cint<T>::ok, Self&>::type operator OP##=(T b) {                     \
    return this->store_back(*this OP b);                                                            \
  }
  APX_FX_OPEQ(+)
  APX_FX_OPEQ(-)
  APX_FX_OPEQ(*)
  APX_FX_OPEQ(/)
  APX_FX_OPEQ(&)
  APX_FX_OPEQ(|)
  APX_FX_OPEQ(^)
#undef APX_FX_OPEQ
};

template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct ap_fixed : ap_fixed_base<W, I, true, Q, O, N> {
  typedef ap_fixed_base<W, I, true, Q, O, N> Base;
  constexpr ap_fixed() {}
  using Base::Base;
  ap_fixed(const Base& b) : Base(b) {}
};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct ap_ufixed : ap_fixed_base<W, I, false, Q, O, N> {
  typedef ap_fixed_base<W, I, false, Q, O, N> Base;
  constexpr ap_ufixed() {}
  using Base::Base;
  ap_ufixed(const Base& b) : Base(b) {}
};

template <int W, bool S>
template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
ap_int_base<W, S>::ap_int_base(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& o) {
  apx::store_raw<W, W, S, AP_TRN_ZERO, AP_WRAP, 0, W2, S2, false>(rv_, o.rv_, W2 - I2);
}

// --------------------------------------------------------------------------------------------- fixed operators
namespace apx {
// ap_int<W> acts as ap_fixed<W,W>; C integers as ap_[u]fixed<bits, bits>.
template <int W, bool S>
inline ap_fixed_base<W, W, S> as_fx(const ap_int_base<W, S>& b) {
  ap_fixed_base<W, W, S> r(raw_tag{});
  std::memcpy(r.rv_, b.rv_, sizeof r.rv_);
  return r;
}
// Defined only for C integer types, so that non-integers drop out of overload sets (SFINAE).
template <class T, bool OK = (bool)cint<T>::ok> struct cfx {};
template <class T> struct cfx<T, true> { typedef ap_fixed_base<cint<T>::W, cint<T>::W, (bool)cint<T>::S> type; };
// A C integer as its exact ap_[u]fixed<bits, bits> operand (raw copy: not a store, so never counted as one).
template <class T>
inline typename cfx<T>::type cfx_of(T b) {
  typename cfx<T>::type r(raw_tag{});
  r.rv_[0] = cint<T>::S ? (u64)(i64)b : (u64)b;
  return r;
}
template <class T, bool OK = (bool)cint<T>::ok> struct cai {};
template <class T> struct cai<T, true> { typedef ap_int_base<cint<T>::W, (bool)cint<T>::S> type; };
}  // namespace apx

#define APX_FXARGS1 int W1, int I1, bool S1, ap_q_mode Q1, ap_o_mode O1, int N1
#define APX_FXARGS2 int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2
#define APX_FXT1 ap_fixed_base<W1, I1, S1, Q1, O1, N1>
#define APX_FXT2 ap_fixed_base<W2, I2, S2, Q2, O2, N2>
#define APX_R(kind) typename apx::fxr<W1, I1, S1, W2, I2, S2>::kind

template <APX_FXARGS1, APX_FXARGS2>
inline APX_R(plus) operator+(const APX_FXT1& a, const APX_FXT2& b) {
  typedef apx::fxr<W1, I1, S1, W2, I2, S2> R;
  APX_R(plus) r(apx::raw_tag{});
  apx::addlike<R::plus_w, (bool)R::S, W1, S1, R::Fm - R::F1, W2, S2, R::Fm - R::F2, 0>(r.rv_, a.rv_, b.rv_);
  return r;
}
template <APX_FXARGS1, APX_FXARGS2>
inline APX_R(minus) operator-(const APX_FXT1& a, const APX_FXT2& b) {
  typedef apx::fxr<W1, I1, S1, W2, I2, S2> R;
  APX_R(minus) r(apx::raw_tag{});
  apx::addlike<R::plus_w, true, W1, S1, R::Fm - R::F1, W2, S2, R::Fm - R::F2, 1>(r.rv_, a.rv_, b.rv_);
  return r;
}
template <APX_FXARGS1, APX_FXARGS2>
inline APX_R(mult) operator*(const APX_FXT1& a, const APX_FXT2& b) {
  typedef apx::fxr<W1, I1, S1, W2, I2, S2> R;
  APX_R(mult) r(apx::raw_tag{});
  apx::mul<R::mult_w, (bool)R::S, W1, S1, W2, S2>(r.rv_, a.rv_, b.rv_);
  return r;
}
template <APX_FXARGS1, APX_FXARGS2>
inline APX_R(div) operator/(const APX_FXT1& a, const APX_FXT2& b) {
  typedef apx::fxr<W1, I1, S1, W2, I2, S2> R;
  APX_R(div) r(apx::raw_tag{});
  apx::div<R::div_w, (bool)R::S, W1, S1, (R::F2 > 0 ? R::F2 : 0), W2, S2, false>(r.rv_, a.rv_, b.rv_);
  return r;
}
#define APX_FX_LOGIC(OP, CODE)                                                                                   \
  template <APX_FXARGS1, APX_FXARGS2>                                                                            \
  inline APX_R(logic) operator OP(const APX_FXT1& a, const APX_FXT2& b) {                                        \
    typedef apx::fxr<W1, I1, S1, W2, I2, S2> R;                                                                  \
    APX_R(logic) r(apx::raw_tag{});                                                                              \
    apx::addlike<R::logic_w, (bool)R::S, W1, S1, R::Fm - R::F1, W2, S2, R::Fm - R::F2, CODE>(r.rv_, a.rv_, b.rv_); \
    return r;                                                                                                    \
  }
APX_FX_LOGIC(&, 2)
APX_FX_LOGIC(|, 3)
APX_FX_LOGIC(^, 4)
#undef APX_FX_LOGIC

#define APX_FX_CMP(OP)                                                                                         \
  template <APX_FXARGS1, APX_FXARGS2>                                                                          \
  inline bool operator OP(const APX_FXT1& a, const APX_FXT2& b) {                                              \
    typedef apx::fxr<W1, I1, S1, W2, I2, S2> R;                                                                \
    return apx::cmp<W1, S1, R::Fm - R::F1, W2, S2, R::Fm - R::F2>(a.rv_, b.rv_) OP 0;                          \
  }                                                                                                            \
  template <APX_FXARGS1>                                                                                       \
  inline bool operator OP(const APX_FXT1& a, double d) { return a.to_double() OP d; }                          \
  template <APX_FXARGS1>                                                                                       \
  inline bool operator OP(const APX_FXT1& a, float d) { return a.to_double() OP(double) d; }                   \
  template <APX_FXARGS1>                                                                                       \
  inline bool operator OP(double d, const APX_FXT1& a) { return d OP a.to_double(); }                          \
  template <APX_FXARGS1>                                                                                       \
  inline bool operator OP(float d, const APX_FXT1& a) { return (double)d OP a.to_double(); }
APX_FX_CMP(==)
APX_FX_CMP(!=)
APX_FX_CMP(<)
APX_FX_CMP(>)
APX_FX_CMP(<=)
APX_FX_CMP(>=)
#undef APX_FX_CMP

// fixed with ap_int (as ap_fixed<W,W>) and with C integers (as ap_[u]fixed<bits,bits>)
#define APX_FX_MIX(OP, RES)                                                                                     \
  template <APX_FXARGS1, int W2, bool S2>                                                                       \
  inline auto operator OP(const APX_FXT1& a, const ap_int_base<W2, S2>& b)                                      \
      ->decltype(a OP std::declval<ap_fixed_base<W2, W2, S2> >()) {                                             \
    return a OP apx::as_fx(b);                   \
  }                                                                                                             \
  template <APX_FXARGS1, int W2, bool S2>                                                                       \
  inline auto operator OP(const ap_int_base<W2, S2>& b, const APX_FXT1& a)                                      \
      ->decltype(std::declval<ap_fixed_base<W2, W2, S2> >() OP a) {                                             \
    return apx::as_fx(b) OP a;                   \
  }                                                                                                             \
  template <APX_FXARGS1, class T>                                                                               \
  inline typename std::enable_if<apx::cint<T>::ok, decltype(std::declval<APX_FXT1>() OP std::declval<typename apx::cfx<T>::type>())>::type \
  operator OP(const APX_FXT1& a, T b) {                                                                         \
    return a OP apx::cfx_of(b);                                                                  \
  }
APX_FX_MIX(+, plus)
APX_FX_MIX(-, minus)
APX_FX_MIX(*, mult)
APX_FX_MIX(/, div)
APX_FX_MIX(&, logic)
APX_FX_MIX(|, logic)
APX_FX_MIX(^, logic)
APX_FX_MIX(==, b)
APX_FX_MIX(!=, b)
APX_FX_MIX(<, b)
APX_FX_MIX(>, b)
APX_FX_MIX(<=, b)
APX_FX_MIX(>=, b)
#undef APX_FX_MIX

// C integer on the left (all symmetric except '/', see below)
#define APX_FX_LMIX(OP)                                                                                         \
  template <APX_FXARGS1, class T>                                                                               \
  inline typename std::enable_if<apx::cint<T>::ok, decltype(std::declval<typename apx::cfx<T>::type>() OP std::declval<APX_FXT1>())>::type \
  operator OP(T b, const APX_FXT1& a) {                                                                         \
    return apx::cfx_of(b) OP a;                                                                  \
  }
APX_FX_LMIX(+)
APX_FX_LMIX(-)
APX_FX_LMIX(*)
APX_FX_LMIX(&)
APX_FX_LMIX(|)
APX_FX_LMIX(^)
APX_FX_LMIX(==)
APX_FX_LMIX(!=)
APX_FX_LMIX(<)
APX_FX_LMIX(>)
APX_FX_LMIX(<=)
APX_FX_LMIX(>=)
#undef APX_FX_LMIX
// Vendor quirk [A27]: `int / ap_fixed` is declared with the type of `ap_fixed / int`; the true quotient is stored
// into that type (AP_TRN, AP_WRAP).
template <APX_FXARGS1, class T>
inline typename std::enable_if<apx::cint<T>::ok, decltype(std::declval<APX_FXT1>() / std::declval<typename apx::cfx<T>::type>())>::type
operator/(T b, const APX_FXT1& a) {
  typedef decltype(std::declval<APX_FXT1>() / std::declval<typename apx::cfx<T>::type>()) RT;
  return RT(apx::cfx_of(b) / a);
}

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
typename apx::fxt<W + 1, I + 1, true>::type ap_fixed_base<W, I, S, Q, O, N>::operator-() const {
  typename apx::fxt<W + 1, I + 1, true>::type r(apx::raw_tag{});
  const apx::u64 z[NLW] = {};
  apx::addlike<W + 1, true, W, S, 0, W, S, 0, 1>(r.rv_, z, rv_);
  return r;
}

// --------------------------------------------------------------------------------------------- ap_int operators
#define APX_IARGS int W1, bool S1, int W2, bool S2
#define APX_IR(kind) typename apx::intr<W1, S1, W2, S2>::kind
template <APX_IARGS>
inline APX_IR(plus) operator+(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {
  typedef apx::intr<W1, S1, W2, S2> R;
  APX_IR(plus) r(apx::raw_tag{});
  apx::addlike<R::plus_w, (bool)R::S, W1, S1, 0, W2, S2, 0, 0>(r.rv_, a.rv_, b.rv_);
  return r;
}
template <APX_IARGS>
inline APX_IR(minus) operator-(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {
  typedef apx::intr<W1, S1, W2, S2> R;
  APX_IR(minus) r(apx::raw_tag{});
  apx::addlike<R::plus_w, true, W1, S1, 0, W2, S2, 0, 1>(r.rv_, a.rv_, b.rv_);
  return r;
}
template <APX_IARGS>
inline APX_IR(mult) operator*(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {
  typedef apx::intr<W1, S1, W2, S2> R;
  APX_IR(mult) r(apx::raw_tag{});
  apx::mul<R::mult_w, (bool)R::S, W1, S1, W2, S2>(r.rv_, a.rv_, b.rv_);
  return r;
}
template <APX_IARGS>
inline APX_IR(div) operator/(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {
  typedef apx::intr<W1, S1, W2, S2> R;
  APX_IR(div) r(apx::raw_tag{});
  apx::div<R::div_w, (bool)R::S, W1, S1, 0, W2, S2, false>(r.rv_, a.rv_, b.rv_);
  return r;
}
template <APX_IARGS>
inline APX_IR(mod) operator%(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {
  APX_IR(mod) r(apx::raw_tag{});
  apx::div<W1, S1, W1, S1, 0, W2, S2, true>(r.rv_, a.rv_, b.rv_);
  return r;
}
#define APX_I_LOGIC(OP, CODE)                                                                   \
  template <APX_IARGS>                                                                          \
  inline APX_IR(logic) operator OP(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) { \
    typedef apx::intr<W1, S1, W2, S2> R;                                                        \
    APX_IR(logic) r(apx::raw_tag{});                                                            \
    apx::addlike<R::logic_w, (bool)R::S, W1, S1, 0, W2, S2, 0, CODE>(r.rv_, a.rv_, b.rv_);      \
    return r;                                                                                   \
  }
APX_I_LOGIC(&, 2)
APX_I_LOGIC(|, 3)
APX_I_LOGIC(^, 4)
#undef APX_I_LOGIC
#define APX_I_CMP(OP)                                                                                \
  template <APX_IARGS>                                                                               \
  inline bool operator OP(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {              \
    return apx::cmp<W1, S1, 0, W2, S2, 0>(a.rv_, b.rv_) OP 0;                                        \
  }
APX_I_CMP(==)
APX_I_CMP(!=)
APX_I_CMP(<)
APX_I_CMP(>)
APX_I_CMP(<=)
APX_I_CMP(>=)
#undef APX_I_CMP
// with C integers (both sides; as ap_int of their width)
#define APX_I_MIXI(OP)                                                                                         \
  template <int W1, bool S1, class T>                                                                          \
  inline typename std::enable_if<apx::cint<T>::ok, decltype(std::declval<ap_int_base<W1, S1> >() OP std::declval<typename apx::cai<T>::type>())>::type \
  operator OP(const ap_int_base<W1, S1>& a, T b) {                                                             \
    return a OP typename apx::cai<T>::type(b);                                                                 \
  }                                                                                                            \
  template <int W1, bool S1, class T>                                                                          \
  inline typename std::enable_if<apx::cint<T>::ok, decltype(std::declval<typename apx::cai<T>::type>() OP std::declval<ap_int_base<W1, S1> >())>::type \
  operator OP(T b, const ap_int_base<W1, S1>& a) {                                                             \
    return typename apx::cai<T>::type(b) OP a;                                                                 \
  }
// ... and, for the arithmetic and compare operators, with float/double (value of the integer, C arithmetic)
#define APX_I_MIX(OP)                                                                                          \
  APX_I_MIXI(OP)                                                                                               \
  template <int W1, bool S1>                                                                                   \
  inline auto operator OP(const ap_int_base<W1, S1>& a, double b)->decltype(1.0 OP 1.0) {                      \
    return (double)(S1 ? (double)a.to_int64() : (double)a.to_uint64()) OP b;                                   \
  }                                                                                                            \
  template <int W1, bool S1>                                                                                   \
  inline auto operator OP(double b, const ap_int_base<W1, S1>& a)->decltype(1.0 OP 1.0) {                      \
    return b OP(double)(S1 ? (double)a.to_int64() : (double)a.to_uint64());                                    \
  }                                                                                                            \
  template <int W1, bool S1>                                                                                   \
  inline auto operator OP(const ap_int_base<W1, S1>& a, float b)->decltype(1.0f OP 1.0f) {                     \
    return (S1 ? (float)a.to_int64() : (float)a.to_uint64()) OP b;                                             \
  }                                                                                                            \
  template <int W1, bool S1>                                                                                   \
  inline auto operator OP(float b, const ap_int_base<W1, S1>& a)->decltype(1.0f OP 1.0f) {                     \
    return b OP(S1 ? (float)a.to_int64() : (float)a.to_uint64());                                              \
  }
APX_I_MIX(+)
APX_I_MIX(-)
APX_I_MIX(*)
APX_I_MIX(/)
APX_I_MIX(==)
APX_I_MIX(!=)
APX_I_MIX(<)
APX_I_MIX(>)
APX_I_MIX(<=)
APX_I_MIX(>=)
APX_I_MIXI(%)
APX_I_MIXI(&)
APX_I_MIXI(|)
APX_I_MIXI(^)
#undef APX_I_MIX
#undef APX_I_MIXI

// range / bit proxies in expressions act as the unsigned field value
#define APX_REF_MIX(OP)                                                                                        \
  template <int W1, bool S1, int W2, bool S2>                                                                  \
  inline auto operator OP(const ap_range_ref<W1, S1>& a, const ap_int_base<W2, S2>& b)->decltype(a.get() OP b) { \
    return a.get() OP b;                                                                                       \
  }                                                                                                            \
  template <int W1, bool S1, int W2, bool S2>                                                                  \
  inline auto operator OP(const ap_int_base<W2, S2>& b, const ap_range_ref<W1, S1>& a)->decltype(b OP a.get()) { \
    return b OP a.get();                                                                                       \
  }                                                                                                            \
  template <int W1, bool S1, int W2, bool S2>                                                                  \
  inline auto operator OP(const ap_range_ref<W1, S1>& a, const ap_range_ref<W2, S2>& b)->decltype(a.get() OP b.get()) { \
    return a.get() OP b.get();                                                                                 \
  }
APX_REF_MIX(+)
APX_REF_MIX(-)
APX_REF_MIX(*)
APX_REF_MIX(&)
APX_REF_MIX(|)
APX_REF_MIX(^)
APX_REF_MIX(==)
APX_REF_MIX(!=)
APX_REF_MIX(<)
APX_REF_MIX(>)
APX_REF_MIX(<=)
APX_REF_MIX(>=)
#undef APX_REF_MIX

template <int W, bool S>
typename apx::intt<W + 1, true>::type ap_int_base<W, S>::operator-() const {
  typename apx::intt<W + 1, true>::type r(apx::raw_tag{});
  const apx::u64 z[NLW] = {};
  apx::addlike<W + 1, true, W, S, 0, W, S, 0, 1>(r.rv_, z, rv_);
  return r;
}

// Concatenation (a, b): a in the high bits.
template <int W1, bool S1, int W2, bool S2>
inline ap_uint<W1 + W2> operator,(const ap_int_base<W1, S1>& a, const ap_int_base<W2, S2>& b) {
  ap_uint<W1 + W2> r;
  ap_int_base<W2, false> lo(b);
  ap_int_base<W1, false> hi(a);
  apx::wsetfield(r.rv_, apx::NL(W1 + W2), 0, W2, lo.rv_, apx::NL(W2));
  apx::wsetfield(r.rv_, apx::NL(W1 + W2), W2, W1, hi.rv_, apx::NL(W1));
  return r;
}

// --------------------------------------------------------------------------------------------- strings and streams
template <int W, bool S>
std::string ap_int_base<W, S>::to_string(int radix, bool sign) const {
  const bool neg = sign && S && this->is_neg();
  ap_int_base<W + 1, true> mag;
  if (neg) {
    mag = ap_int_base<W + 1, true>(-*this);
  } else {
    ap_int_base<W, false> u(*this);
    mag = ap_int_base<W + 1, true>(u);
  }
  std::string digits;
  if (radix == 10) {
    digits = apx::wto_dec(mag.rv_, apx::NL(W + 1), false);
  } else {
    const int b = radix == 16 ? 4 : (radix == 8 ? 3 : 1);
    digits = std::string(radix == 16 ? "0x" : (radix == 8 ? "0o" : "0b")) + apx::wto_pow2(mag.rv_, apx::NL(W + 1), b);
  }
  return (neg ? "-" : "") + digits;
}
template <int W, bool S>
void ap_int_base<W, S>::from_string(const char* s, int radix) {
  std::memset(rv_, 0, sizeof rv_);
  bool neg = false;
  while (*s == ' ') ++s;
  if (*s == '-' || *s == '+') neg = (*s++ == '-');
  if (radix == 0) {
    radix = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) radix = 16, s += 2;
    else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) radix = 2, s += 2;
    else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) radix = 8, s += 2;
  } else if (s[0] == '0' && ((radix == 16 && (s[1] == 'x' || s[1] == 'X')) || (radix == 2 && (s[1] == 'b' || s[1] == 'B')))) {
    s += 2;
  }
  const int n = NLW + 1;
  apx::u64 acc[n] = {}, rd[n] = {}, dg[n] = {}, tmp[n];
  rd[0] = (apx::u64)radix;
  for (; *s; ++s) {
    int d;
    const char c = *s;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'Z') d = c - 'A' + 10;
    else if (c == '_' || c == '\'') continue;
    else break;
    if (d >= radix) break;
    apx::wmul(tmp, acc, rd, n);
    dg[0] = (apx::u64)d;
    apx::wadd(acc, tmp, dg, n);
  }
  if (neg) apx::wnegate(acc, n);
  for (int i = 0; i < NLW; ++i) rv_[i] = acc[i];
  apx::wnorm(rv_, NLW, W, S);
}

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
std::string ap_fixed_base<W, I, S, Q, O, N>::to_string(int radix, bool sign) const {
  if (radix == 2) sign = false;
  const bool neg = sign && this->is_neg();
  // magnitude in <W+1, I+1> (raw bits of the sign-extended value for radix 2)
  ap_fixed_base<W + 1, I + 1, true> t(*this);
  if (neg) t = ap_fixed_base<W + 1, I + 1, true>(-*this);
  std::string out = neg ? "-" : "";
  const int Fm = F > 0 ? F : 0;
  // integer part: bits [F, W+1) of t (with F <= 0: t * 2^-F)
  ap_int_base<(I + 1 > 1 ? I + 1 : 1) + 1, false> ip;
  if (I + 1 > 0) {
    ap_int_base<W + 1, false> u(apx::raw_tag{});
    for (int i = 0; i < apx::NL(W + 1); ++i) u.rv_[i] = t.rv_[i];
    apx::wnorm(u.rv_, apx::NL(W + 1), W + 1, false);
    if (F >= 0) apx::wshr(u.rv_, apx::NL(W + 1), F, false);
    ip = ap_int_base<(I + 1 > 1 ? I + 1 : 1) + 1, false>(u);
    if (F < 0) ip = ip << (-F);
  }
  if (radix == 10) out += apx::wto_dec(ip.rv_, apx::NL((I + 1 > 1 ? I + 1 : 1) + 1), false);
  else {
    const int b = radix == 16 ? 4 : (radix == 8 ? 3 : 1);
    out += radix == 16 ? "0x" : (radix == 8 ? "0o" : "0b");
    out += apx::wto_pow2(ip.rv_, apx::NL((I + 1 > 1 ? I + 1 : 1) + 1), b);
  }
  if (Fm == 0) return out;
  // fraction bits [0, Fm) of t
  std::vector<int> fb(Fm);
  for (int i = 0; i < Fm; ++i) fb[i] = apx::wbit(t.rv_, apx::NL(W + 1), Fm - 1 - i);  // msb first
  if (radix == 2) {
    out += '.';
    for (int i = 0; i < Fm; ++i) out += (char)('0' + fb[i]);
    return out;
  }
  if (radix == 10) {
    // exact decimal of the fraction: repeatedly multiply by 10
    std::vector<int> digits(Fm, 0);
    std::vector<int> frac(fb);
    std::string ds;
    bool any = false;
    for (int i = 0; i < Fm; ++i) any = any || frac[i];
    if (!any) return out;
    while (any) {
      int carry = 0;
      for (int i = Fm - 1; i >= 0; --i) {
        const int v = frac[i] * 10 + carry;
        frac[i] = v & 1;
        carry = v >> 1;
      }
      ds += (char)('0' + carry);
      any = false;
      for (int i = 0; i < Fm; ++i) any = any || frac[i];
    }
    return out + "." + ds;
  }
  const int b = radix == 16 ? 4 : 3;
  std::string ds;
  for (int i = 0; i < Fm; i += b) {
    int d = 0;
    for (int k = 0; k < b; ++k) d = d * 2 + (i + k < Fm ? fb[i + k] : 0);
    ds += "0123456789abcdef"[d];
  }
  while (!ds.empty() && ds[ds.size() - 1] == '0') ds.erase(ds.size() - 1);
  if (!ds.empty()) out += "." + ds;
  return out + "p0";
}

template <int W, bool S>
inline std::ostream& operator<<(std::ostream& os, const ap_int_base<W, S>& x) {
  // hex / oct show the W-bit two's-complement pattern without prefix, like built-in integers
  const std::ios_base::fmtflags f = os.flags();
  if (f & (std::ios_base::hex | std::ios_base::oct)) {
    ap_int_base<W, false> u(x);
    return os << apx::wto_pow2(u.rv_, u.NLW, (f & std::ios_base::hex) ? 4 : 3);
  }
  return os << apx::wto_dec(x.rv_, x.NLW, S);
}
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
inline std::ostream& operator<<(std::ostream& os, const ap_fixed_base<W, I, S, Q, O, N>& x) {
  return os << x.to_double();
}
template <int W, bool S>
inline std::istream& operator>>(std::istream& is, ap_int_base<W, S>& x) {
  std::string s;
  is >> s;
  x = ap_int_base<W, S>(s.c_str(), 0);
  return is;
}
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
inline std::istream& operator>>(std::istream& is, ap_fixed_base<W, I, S, Q, O, N>& x) {
  double d;
  is >> d;
  x = ap_fixed_base<W, I, S, Q, O, N>(d);
  return is;
}
template <int W, bool S>
inline std::ostream& operator<<(std::ostream& os, const ap_range_ref<W, S>& r) {
  return os << r.get();
}

#undef APX_FXARGS1
#undef APX_FXARGS2
#undef APX_FXT1
#undef APX_FXT2
#undef APX_R
#undef APX_IARGS
#undef APX_IR

#endif  // EDGEMOE_AP_H
