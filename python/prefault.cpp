// Asks the kernel to populate, in one call each, the executable's writable segment (found in its program headers)
// and the start of pymalloc's first arena (through CPython's arena allocator hook).
#include "python/py_ref.hpp"  // Python.h first

#include "python/prefault.hpp"

#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; glibc 2.36's headers may lack it
#endif

namespace deployctl::python {

namespace {

struct WritableRange {
  std::uintptr_t start = 0;
  std::uintptr_t end = 0;
};

// The first object dl_iterate_phdr reports is the executable.
int executable_writable_range(dl_phdr_info* info, std::size_t, void* out) {
  auto& range = *static_cast<WritableRange*>(out);
  std::uintptr_t relro_end = 0;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& header = info->dlpi_phdr[i];
    const std::uintptr_t begin = info->dlpi_addr + header.p_vaddr;
    if (header.p_type == PT_LOAD && (header.p_flags & PF_W) != 0) {
      range.start = begin;
      range.end = begin + header.p_memsz;
    } else if (header.p_type == PT_GNU_RELRO) {
      relro_end = begin + header.p_memsz;  // read-only once the loader is done: writing there would fail
    }
  }
  range.start = std::max(range.start, relro_end);
  return 1;
}

constexpr std::size_t first_arena_prefault_bytes = 512 * 1024;
bool first_arena_given = false;

void* allocate_arena(void*, std::size_t size) {
  void* arena = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (arena == MAP_FAILED) return nullptr;
  if (!first_arena_given) {
    first_arena_given = true;
    (void)::madvise(arena, std::min(size, first_arena_prefault_bytes), MADV_POPULATE_WRITE);
  }
  return arena;
}

void free_arena(void*, void* arena, std::size_t size) { ::munmap(arena, size); }

}  // namespace

void prefault_first_object_arena() {
  PyObjectArenaAllocator allocator{nullptr, allocate_arena, free_arena};
  PyObject_SetArenaAllocator(&allocator);
}

void prefault_writable_image() {
  WritableRange range;
  dl_iterate_phdr(executable_writable_range, &range);
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const std::uintptr_t start = (range.start + page - 1) & ~(page - 1);
  const std::uintptr_t end = (range.end + page - 1) & ~(page - 1);
  if (start >= end) return;
  (void)::madvise(reinterpret_cast<void*>(start), end - start, MADV_POPULATE_WRITE);
}

}  // namespace deployctl::python
