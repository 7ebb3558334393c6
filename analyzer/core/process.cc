#include "grantpath/process.h"

#include <malloc.h>

namespace grantpath {

void TuneMemoryAllocator() {
#if defined(__GLIBC__)
  mallopt(M_TRIM_THRESHOLD, 1 << 30);   // keep freed memory up to 1 GiB
  mallopt(M_TOP_PAD, 64 << 20);         // grow the heap 64 MiB at a time
  mallopt(M_MMAP_THRESHOLD, 256 << 20); // serve blocks below 256 MiB from the heap
#endif
}

}  // namespace grantpath
