// The addon's async machinery (async.cc), called by the argument parsing in addon.cc.
#ifndef NNINIT_SRC_ASYNC_H_
#define NNINIT_SRC_ASYNC_H_

#include <node_api.h>

#include <cstddef>

#include "nninit/fill.h"

namespace nninit {

// The promise of fillAsync for a validated fill `a` of the typed array `out` (a.out is its
// memory now; `shared`: its buffer is a SharedArrayBuffer). Returns nullptr after throwing.
napi_value fill_async_promise(napi_env env, const Kernels* k, const FillArgs& a, napi_value out,
                              bool shared);

// The promise of householderQAsync for a validated QR (nninit/qr.h householder_q's
// arguments) of the m x n matrix at `a`, the memory of the Float64Array `array` now.
// Returns nullptr after throwing.
napi_value qr_async_promise(napi_env env, const Kernels* isa, double* a, size_t m, size_t n,
                            unsigned threads, bool row_major, napi_value array);

// The message of a QR that cannot allocate its scratch memory.
extern const char kQrNoMemory[];

}  // namespace nninit

#endif  // NNINIT_SRC_ASYNC_H_
