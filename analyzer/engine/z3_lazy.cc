// Loads the Z3 library at the first call of one of its functions instead
// of at process start. Mapping and relocating libz3 costs about 7 ms per
// run, more than most queries take, and only the IAM solver needs it.
//
// Each Z3 function the program calls (z3_functions.inc) gets a stub that
// jumps through a pointer; while the pointer is null, the stub saves the
// argument registers, resolves the function with dlsym (loading the
// library once), stores the pointer and jumps to it. x86-64 System V only;
// elsewhere the build links libz3 directly (GRANTPATH_LAZY_Z3).
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#ifndef GRANTPATH_Z3_SONAME
#define GRANTPATH_Z3_SONAME "libz3.so"
#endif

#define GP_HIDDEN __attribute__((visibility("hidden")))

extern "C" {

#define GRANTPATH_Z3(f)                      \
  GP_HIDDEN void* grantpath_z3_ptr_##f = nullptr; \
  GP_HIDDEN extern const char grantpath_z3_name_##f[]; \
  const char grantpath_z3_name_##f[] = #f;
#include "engine/z3_functions.inc"
#undef GRANTPATH_Z3

GP_HIDDEN void* grantpath_z3_resolve(void** slot, const char* name) {
  static void* const library = [] {
    void* h = dlopen(GRANTPATH_Z3_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
      std::fprintf(stderr, "grantpath: cannot load the Z3 library (%s): %s\n", GRANTPATH_Z3_SONAME, dlerror());
      std::exit(2);
    }
    return h;
  }();
  void* f = dlsym(library, name);
  if (f == nullptr) {
    std::fprintf(stderr, "grantpath: the Z3 library (%s) has no function %s\n", GRANTPATH_Z3_SONAME, name);
    std::exit(2);
  }
  __atomic_store_n(slot, f, __ATOMIC_RELEASE);
  return f;
}

}  // extern "C"

// The stubs. On entry the stack is 8 bytes off 16-byte alignment; seven
// pushes and 128 bytes for xmm0-7 realign it for the call.
#define GRANTPATH_Z3(f)                                  \
  ".globl " #f "\n"                                      \
  ".type " #f ", @function\n"                            \
  #f ":\n"                                               \
  "  movq grantpath_z3_ptr_" #f "(%rip), %r11\n"         \
  "  testq %r11, %r11\n"                                 \
  "  jz 1f\n"                                            \
  "  jmp *%r11\n"                                        \
  "1:\n"                                                 \
  "  pushq %rax\n  pushq %rdi\n  pushq %rsi\n  pushq %rdx\n" \
  "  pushq %rcx\n  pushq %r8\n  pushq %r9\n"             \
  "  subq $128, %rsp\n"                                  \
  "  movdqu %xmm0, 0(%rsp)\n  movdqu %xmm1, 16(%rsp)\n"  \
  "  movdqu %xmm2, 32(%rsp)\n  movdqu %xmm3, 48(%rsp)\n" \
  "  movdqu %xmm4, 64(%rsp)\n  movdqu %xmm5, 80(%rsp)\n" \
  "  movdqu %xmm6, 96(%rsp)\n  movdqu %xmm7, 112(%rsp)\n" \
  "  leaq grantpath_z3_ptr_" #f "(%rip), %rdi\n"         \
  "  leaq grantpath_z3_name_" #f "(%rip), %rsi\n"        \
  "  call grantpath_z3_resolve\n"                        \
  "  movq %rax, %r11\n"                                  \
  "  movdqu 0(%rsp), %xmm0\n  movdqu 16(%rsp), %xmm1\n"  \
  "  movdqu 32(%rsp), %xmm2\n  movdqu 48(%rsp), %xmm3\n" \
  "  movdqu 64(%rsp), %xmm4\n  movdqu 80(%rsp), %xmm5\n" \
  "  movdqu 96(%rsp), %xmm6\n  movdqu 112(%rsp), %xmm7\n" \
  "  addq $128, %rsp\n"                                  \
  "  popq %r9\n  popq %r8\n  popq %rcx\n  popq %rdx\n"   \
  "  popq %rsi\n  popq %rdi\n  popq %rax\n"              \
  "  jmp *%r11\n"                                        \
  ".size " #f ", .-" #f "\n"

asm(".text\n"
#include "engine/z3_functions.inc"
);
#undef GRANTPATH_Z3
