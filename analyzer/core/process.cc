#include "grantpath/process.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace grantpath {

void TuneMemoryAllocator() {
#if defined(__GLIBC__)
  constexpr std::size_t kPad = std::size_t(256) << 20;
  mallopt(M_TRIM_THRESHOLD, 1 << 30);    // keep freed memory up to 1 GiB
  mallopt(M_TOP_PAD, static_cast<int>(kPad));  // grow the heap 256 MiB at a time
  mallopt(M_MMAP_THRESHOLD, 32 << 20);   // serve blocks below 32 MiB (glibc's maximum) from the heap
  mallopt(M_MXFAST, 0);  // no fastbins: freeing a large block then walks none (the per-thread cache stays)
  // Page faults dominate short runs (one per 4 KiB page touched). Ask for
  // transparent huge pages on the heap where the system leaves it to the
  // program (THP "madvise" mode); without THP this changes nothing.
  // The heap already exists (the C++ runtime allocates at start-up): one
  // block larger than what is left makes it grow by the pad now, so that
  // the whole padded region can be marked, then goes back to the heap.
  void* probe = std::malloc(16 << 20);
  auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  auto begin = reinterpret_cast<std::uintptr_t>(probe) & ~(page - 1);
  auto end = reinterpret_cast<std::uintptr_t>(sbrk(0));
  if (probe != nullptr && end > begin && end - begin <= 2 * kPad)
    madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  std::free(probe);
#endif
}

}  // namespace grantpath
