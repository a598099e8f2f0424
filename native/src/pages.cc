// Transparent huge pages for large results (see nninit/pages.h).
#include "nninit/pages.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>

#if defined(__linux__)
#include <dirent.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace nninit {
namespace {

HugePageMode read_mode() {
#if defined(__linux__)
  FILE* f = std::fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  if (f == nullptr) return HugePageMode::kUnavailable;
  char line[128] = {0};
  const bool got = std::fgets(line, sizeof line, f) != nullptr;
  std::fclose(f);
  if (!got) return HugePageMode::kUnavailable;
  // e.g. "always [madvise] never": the bracketed word is the mode.
  if (std::strstr(line, "[madvise]")) return HugePageMode::kMadvise;
  if (std::strstr(line, "[always]")) return HugePageMode::kAlways;
  if (std::strstr(line, "[never]")) return HugePageMode::kNever;
#endif
  return HugePageMode::kUnavailable;
}

#if defined(__linux__)
// The first line of a small sysfs file, without the newline ("" when unreadable).
std::string read_line(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return "";
  char line[256] = {0};
  const bool got = std::fgets(line, sizeof line, f) != nullptr;
  std::fclose(f);
  if (!got) return "";
  std::string s(line);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}
#endif

bool read_reporting() {
#if defined(__linux__)
  // /sys/bus/virtio/devices/virtioN: `device` 0x0005 is a balloon; `features` is one
  // character per feature bit, bit 5 = VIRTIO_BALLOON_F_REPORTING; `driver` links to the
  // bound driver.
  const char* root = "/sys/bus/virtio/devices";
  DIR* dir = opendir(root);
  if (dir == nullptr) return false;
  bool reporting = false;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    const std::string dev = std::string(root) + "/" + e->d_name;
    if (read_line(dev + "/device") != "0x0005") continue;
    char target[512] = {0};
    const ssize_t len = readlink((dev + "/driver").c_str(), target, sizeof target - 1);
    if (len <= 0 || std::strstr(target, "virtio_balloon") == nullptr) continue;
    const std::string features = read_line(dev + "/features");
    if (features.size() > 5 && features[5] == '1') reporting = true;
  }
  closedir(dir);
  return reporting;
#else
  return false;
#endif
}

enum HugePagesSetting { kAuto = 0, kOn = 1, kOff = 2 };
std::atomic<int> g_huge_pages{kAuto};

}  // namespace

bool free_page_reporting() {
  static std::once_flag once;
  static bool reporting = false;
  std::call_once(once, [] { reporting = read_reporting(); });
  return reporting;
}

bool set_huge_pages_from_env(const char* value, std::string* error) {
  if (value == nullptr || value[0] == '\0' || std::strcmp(value, "auto") == 0) {
    g_huge_pages.store(kAuto, std::memory_order_relaxed);
  } else if (std::strcmp(value, "1") == 0) {
    g_huge_pages.store(kOn, std::memory_order_relaxed);
  } else if (std::strcmp(value, "0") == 0) {
    g_huge_pages.store(kOff, std::memory_order_relaxed);
  } else {
    if (error) *error = std::string("NNINIT_HUGE_PAGES must be \"auto\", \"1\" or \"0\", got \"") + value + "\"";
    return false;
  }
  return true;
}

bool huge_pages_enabled() {
  const int setting = g_huge_pages.load(std::memory_order_relaxed);
  if (setting == kOff || huge_page_mode() != HugePageMode::kMadvise) return false;
  return setting == kOn || !free_page_reporting();
}

HugePageMode huge_page_mode() {
  static std::once_flag once;
  static HugePageMode mode = HugePageMode::kUnavailable;
  std::call_once(once, [] { mode = read_mode(); });
  return mode;
}

bool advise_huge_pages(void* p, size_t n) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (!huge_pages_enabled()) return false;
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  const uintptr_t lo = (a + kHugePageBytes - 1) & ~(uintptr_t{kHugePageBytes} - 1);
  const uintptr_t hi = (a + n) & ~(uintptr_t{kHugePageBytes} - 1);
  if (n < kHugePageBytes || lo >= hi) return false;
  return madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE) == 0;
#else
  (void)p;
  (void)n;
  return false;
#endif
}

}  // namespace nninit
