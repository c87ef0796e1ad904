// hls::vector<T, N> for edgemoe C simulation: a fixed-size array with element-wise operators. Each element-wise
// result is stored back into T (so ap_fixed elements quantise/overflow with T's modes), as Vitis defines
// `a + b` as `{ a += b }`. Minimal subset: construction, [], op= / binary ops with vectors and scalars,
// == / !=, and reduce_add / reduce_mult / reduce_and / reduce_or / reduce_xor / reduce_min / reduce_max.
#ifndef EDGEMOE_HLS_VECTOR_H
#define EDGEMOE_HLS_VECTOR_H

#include <cstddef>
#include <initializer_list>

namespace hls {
template <typename T, size_t N>
class vector {
  static_assert(N > 0, "hls::vector needs at least one element");

 public:
  typedef T value_type;
  vector() : data_() {}
  vector(const T& v) {  // broadcast (implicit, as in Vitis)
    for (size_t i = 0; i < N; ++i) data_[i] = v;
  }
  vector(std::initializer_list<T> l) : data_() {
    size_t i = 0;
    for (const T& v : l)
      if (i < N) data_[i++] = v;
  }
  static constexpr size_t size() { return N; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + N; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + N; }

#define EDGEMOE_VEC_OPEQ(OP)                                      \
  vector& operator OP##=(const vector& o) {                       \
    for (size_t i = 0; i < N; ++i) data_[i] = T(data_[i] OP o.data_[i]); \
    return *this;                                                 \
  }                                                               \
  template <typename S>                                           \
  vector& operator OP##=(const S& s) {                            \
    for (size_t i = 0; i < N; ++i) data_[i] = T(data_[i] OP s);   \
    return *this;                                                 \
  }                                                               \
  friend vector operator OP(vector a, const vector& b) { return a OP##= b; } \
  template <typename S>                                           \
  friend vector operator OP(vector a, const S& s) { return a OP##= s; }
  EDGEMOE_VEC_OPEQ(+)
  EDGEMOE_VEC_OPEQ(-)
  EDGEMOE_VEC_OPEQ(*)
  EDGEMOE_VEC_OPEQ(/)
  EDGEMOE_VEC_OPEQ(%)
  EDGEMOE_VEC_OPEQ(&)
  EDGEMOE_VEC_OPEQ(|)
  EDGEMOE_VEC_OPEQ(^)
  EDGEMOE_VEC_OPEQ(<<)
  EDGEMOE_VEC_OPEQ(>>)
#undef EDGEMOE_VEC_OPEQ
  vector operator-() const {
    vector r;
    for (size_t i = 0; i < N; ++i) r.data_[i] = T(-data_[i]);
    return r;
  }
  friend bool operator==(const vector& a, const vector& b) {
    for (size_t i = 0; i < N; ++i)
      if (!(a.data_[i] == b.data_[i])) return false;
    return true;
  }
  friend bool operator!=(const vector& a, const vector& b) { return !(a == b); }

  T reduce_add() const { return fold([](const T& x, const T& y) { return T(x + y); }); }
  T reduce_mult() const { return fold([](const T& x, const T& y) { return T(x * y); }); }
  T reduce_and() const { return fold([](const T& x, const T& y) { return T(x & y); }); }
  T reduce_or() const { return fold([](const T& x, const T& y) { return T(x | y); }); }
  T reduce_xor() const { return fold([](const T& x, const T& y) { return T(x ^ y); }); }
  T reduce_min() const { return fold([](const T& x, const T& y) { return y < x ? y : x; }); }
  T reduce_max() const { return fold([](const T& x, const T& y) { return x < y ? y : x; }); }

 private:
  template <typename F>
  T fold(F f) const {  // left to right, each partial result stored in T
    T acc = data_[0];
    for (size_t i = 1; i < N; ++i) acc = f(acc, data_[i]);
    return acc;
  }
  T data_[N];
};
}  // namespace hls

#endif  // EDGEMOE_HLS_VECTOR_H
