// Calibration for the benchmark figures: a fixed CPU-bound loop (300
// million xorshift steps, one dependency chain, no memory traffic). Its time
// is printed next to every figure by bench/measure.py, so a reader can
// scale a figure to another machine: figure x (their loop / our loop).
// Prints the seconds the loop took.
#include <chrono>
#include <cstdint>
#include <cstdio>

int main() {
  auto start = std::chrono::steady_clock::now();
  volatile std::uint64_t seed = 88172645463325252ull;
  std::uint64_t x = seed;
  for (std::uint64_t i = 0; i < 300000000ull; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%.4f %llu\n", s, static_cast<unsigned long long>(x & 0xff));
  return 0;
}
