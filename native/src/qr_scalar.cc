// The QR column kernel (qr_impl.h) in plain C++: the lanes are an array (no vector
// extensions, so it also builds with MSVC); the compiler may vectorize the element-wise
// lane loops, which changes no operation. Two lanes: measured fastest of 1, 2 and 4.
#include <cstddef>
#include <cstring>

#include "qr_kernels.h"

namespace nninit {
namespace scalar {
namespace {

const size_t kQrLanes = 2;
struct QrV {
  double x[kQrLanes];
};
inline QrV operator+(const QrV& a, const QrV& b) {
  QrV r;
  for (size_t l = 0; l < kQrLanes; l++) r.x[l] = a.x[l] + b.x[l];
  return r;
}
inline QrV operator-(const QrV& a, const QrV& b) {
  QrV r;
  for (size_t l = 0; l < kQrLanes; l++) r.x[l] = a.x[l] - b.x[l];
  return r;
}
inline QrV operator*(double s, const QrV& a) {
  QrV r;
  for (size_t l = 0; l < kQrLanes; l++) r.x[l] = s * a.x[l];
  return r;
}
inline QrV operator*(const QrV& a, double s) {
  QrV r;
  for (size_t l = 0; l < kQrLanes; l++) r.x[l] = a.x[l] * s;
  return r;
}
inline QrV qr_load(const double* p) {
  QrV v;
  std::memcpy(v.x, p, sizeof v.x);
  return v;
}
inline void qr_store(double* p, const QrV& v) { std::memcpy(p, v.x, sizeof v.x); }

#define NNINIT_QR_PLAIN_LANES 1
#include "qr_impl.h"

}  // namespace

const QrKernels qr_table = {"scalar", kQrLanes, qr_apply, qr_tile,
                           qr_pack_group, qr_unpack_group};

}  // namespace scalar
}  // namespace nninit
