// Memory for large results: transparent huge pages where the OS offers them.
//
// Filling a fresh allocation is mostly page faults (the kernel zeroes every 4 KiB page on
// first touch, one fault each). With transparent huge pages in `madvise` mode (Linux), a
// range advised MADV_HUGEPAGE faults in 2 MiB at a time, and the fill that first touches
// it (the pool's threads, for a large kernel fill) then writes a page still in cache. The
// memory stays an ordinary ArrayBuffer's (see lib/backend.ts allocateArray): only how its pages
// come in changes.
#ifndef NNINIT_PAGES_H_
#define NNINIT_PAGES_H_

#include <cstddef>
#include <string>

namespace nninit {

constexpr size_t kHugePageBytes = size_t{2} << 20;

// The transparent huge page mode (Linux: /sys/kernel/mm/transparent_hugepage/enabled,
// read once); kUnavailable elsewhere.
enum class HugePageMode { kUnavailable, kNever, kMadvise, kAlways };
HugePageMode huge_page_mode();

// Whether the kernel hands free memory back to a hypervisor (Linux: a virtio-balloon device
// with VIRTIO_BALLOON_F_REPORTING). There a freed 2 MiB block goes back to the host about
// two seconds after it is freed, and a huge page made of it costs the host one fault per
// 4 KiB on its next first touch, one at a time: measured on a Firecracker VM, 7 ms per
// 2 MiB, three times slower than 4 KiB pages, and not parallel. So there huge pages pay
// only for memory reused within seconds, and are not advised by default.
bool free_page_reporting();

// NNINIT_HUGE_PAGES: "" or "auto" (the default: advise where the mode is madvise and no
// free page reporting), "1" (advise whenever the mode is madvise), "0" (never). Returns
// false and sets *error for any other value (the setting is then left as it was).
bool set_huge_pages_from_env(const char* value, std::string* error);

// Whether advise_huge_pages advises anything (the setting and the system).
bool huge_pages_enabled();

// Advises MADV_HUGEPAGE for the 2 MiB-aligned pages inside [p, p + n) when huge pages are
// enabled (in `always` mode pages are huge already, in `never` mode it would do nothing).
// Returns whether such pages exist and were advised.
bool advise_huge_pages(void* p, size_t n);

}  // namespace nninit

#endif  // NNINIT_PAGES_H_
