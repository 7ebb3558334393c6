// Process-wide settings for grantpath's programs.
#pragma once

namespace grantpath {

/// Tunes the C allocator for a short-lived analyzer that builds and frees
/// many small trees: freed memory is kept for reuse instead of being
/// returned to the system and faulted in again (page faults on fresh memory
/// dominated loading on the reference machine; see docs/performance.md),
/// and the heap is marked for transparent huge pages where the system
/// leaves that to the program.
/// Call once at the start of main().
void TuneMemoryAllocator();

}  // namespace grantpath
