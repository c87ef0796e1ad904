// hls::stream<T> as Vitis C simulation models it (2022 behaviour): an unbounded FIFO; the depth argument is
// ignored; full() is always false; reading an empty stream is an error (or a warning returning T() when
// ALLOW_EMPTY_HLS_STREAM_READS is defined); leftover data is reported when a stream is destroyed, and the maximum
// depth reached by any stream is printed at exit. EDGEMOE_STREAM_THROW_ON_EMPTY turns the empty read into a
// std::runtime_error and EDGEMOE_STREAM_NO_EXIT_INFO drops the exit line: both for the bridge loaded into a host. Written for edgemoe from shared/spec/ap-fixed.md section 4.
#ifndef EDGEMOE_HLS_STREAM_H
#define EDGEMOE_HLS_STREAM_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#ifdef EDGEMOE_STREAM_THROW_ON_EMPTY
#include <stdexcept>
#endif
#ifdef HLS_STREAM_THREAD_SAFE
#include <condition_variable>
#include <mutex>
#endif

namespace hls {
namespace stream_detail {
// Tracks the largest depth any stream reached; prints the Vitis INFO line once at exit if any stream existed.
struct depth_tracker {
  size_t max_depth = 0;
  bool used = false;
  ~depth_tracker() {
#ifndef EDGEMOE_STREAM_NO_EXIT_INFO  // e.g. for a csim bridge library loaded into another process
    if (used) {
      std::printf("INFO [HLS SIM]: The maximum depth reached by any hls::stream() instance in the design is %zu\n",
                  max_depth);
      std::fflush(stdout);
    }
#endif
  }
};
inline depth_tracker& tracker() {
  static depth_tracker t;
  return t;
}
}  // namespace stream_detail

template <typename T, int DEPTH = 0>
class stream;

// stream<T> holds the FIFO; stream<T, DEPTH> derives from it so it binds to `hls::stream<T>&` parameters, as in
// Vitis. The depth only matters in synthesis.
template <typename T>
class stream<T, 0> {
 public:
  stream() : name_() { stream_detail::tracker().used = true; }
  explicit stream(const char* name) : name_(name ? name : "") { stream_detail::tracker().used = true; }
  ~stream() {
    if (!q_.empty()) {
      std::printf("WARNING [HLS SIM]: hls::stream '%s' contains leftover data, which may result in RTL simulation hanging.\n",
                  name_.c_str());
      std::fflush(stdout);
    }
  }
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  void write(const T& v) {
    lock_t l(lock());
    q_.push_back(v);
    if (q_.size() > stream_detail::tracker().max_depth) stream_detail::tracker().max_depth = q_.size();
    notify();
  }
  bool write_nb(const T& v) {
    write(v);
    return true;
  }
  void operator<<(const T& v) { write(v); }

  T read() {
    T v;
    read(v);
    return v;
  }
  void read(T& v) {
    lock_t l(lock());
    if (q_.empty()) {
#ifdef HLS_STREAM_THREAD_SAFE
      cv_.wait(l, [this] { return !q_.empty(); });  // another dataflow thread will write
#elif defined(ALLOW_EMPTY_HLS_STREAM_READS)
      std::printf("WARNING [HLS SIM]: hls::stream '%s' is read while empty, which may result in RTL simulation hanging.\n",
                  name_.c_str());
      std::fflush(stdout);
      v = T();
      return;
#elif defined(EDGEMOE_STREAM_THROW_ON_EMPTY)
      // Inside a host process (the csim bridge) an abort would take the host down: throw for the bridge to report.
      throw std::runtime_error("hls::stream '" + name_ + "' is read while empty");
#else
      std::fflush(stdout);
      std::fprintf(stderr,
                   "ERROR [HLS SIM]: an hls::stream is read while empty, which may result in RTL simulation hanging.\n"
                   "If this is not expected, execute C simulation in debug mode in the GUI and examine the source code "
                   "location of the blocked hls::stream::read() call to debug.\n"
                   "If this is expected, add -DALLOW_EMPTY_HLS_STREAM_READS to -cflags to turn this error into a "
                   "warning and allow empty hls::stream reads to return the default value for the data type.\n");
      std::fflush(stderr);
      std::abort();
#endif
    }
    v = q_.front();
    q_.pop_front();
  }
  void operator>>(T& v) { read(v); }
  bool read_nb(T& v) {
    lock_t l(lock());
    if (q_.empty()) return false;  // argument left unchanged (2022 model)
    v = q_.front();
    q_.pop_front();
    return true;
  }

  bool empty() const { return q_.empty(); }
  bool full() const { return false; }
  size_t size() const { return q_.size(); }
  size_t capacity() const { return SIZE_MAX; }
  const char* get_name() const { return name_.c_str(); }
  void set_name(const char* n) { name_ = n ? n : ""; }

 private:
#ifdef HLS_STREAM_THREAD_SAFE
  typedef std::unique_lock<std::mutex> lock_t;
  std::mutex& lock() { return m_; }
  void notify() { cv_.notify_all(); }
  std::mutex m_;
  std::condition_variable cv_;
#else
  struct lock_t {
    explicit lock_t(int) {}
  };
  int lock() { return 0; }
  void notify() {}
#endif
  std::string name_;
  std::deque<T> q_;
};

template <typename T, int DEPTH>
class stream : public stream<T, 0> {
 public:
  stream() {}
  explicit stream(const char* name) : stream<T, 0>(name) {}
};
}  // namespace hls

#endif  // EDGEMOE_HLS_STREAM_H
