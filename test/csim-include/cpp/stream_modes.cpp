// hls::stream C-sim behaviours that end or warn: reading an empty stream, leftover data at destruction, and an
// unbounded dataflow FIFO. The mode is argv[1]; test/csim-include/stream.test.ts checks the messages.
#include <hls_stream.h>
#include <ap_int.h>
#include <cstdio>
#include <cstring>

static void producer(hls::stream<ap_uint<12> >& s, int n) {
  for (int i = 0; i < n; ++i) {
#pragma HLS PIPELINE II=1
    s.write(ap_uint<12>(i));
  }
}
static void consumer(hls::stream<ap_uint<12> >& s, int n, long& sum) {
  for (int i = 0; i < n; ++i) sum += s.read().to_int();
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (!std::strcmp(mode, "empty")) {
    hls::stream<int> s("fifo_a");
    int v = s.read();
    std::printf("read %d\n", v);
  } else if (!std::strcmp(mode, "leftover")) {
    hls::stream<int> s("weights_q");
    s.write(1);
    s.write(2);
    std::printf("left %zu\n", s.size());
  } else if (!std::strcmp(mode, "dataflow")) {
    hls::stream<ap_uint<12>, 4> s("pipe");  // depth 4 is ignored in C simulation
#pragma HLS DATAFLOW
    long sum = 0;
    producer(s, 1000);
    std::printf("size %zu full %d\n", s.size(), (int)s.full());
    consumer(s, 1000, sum);
    std::printf("sum %ld empty %d\n", sum, (int)s.empty());
  }
  std::fflush(stdout);
  return 0;
}
