//===- Export.h - Symbol visibility of the nsc library ----------*- C++ -*-===//
//
// libnsc.so is built with hidden visibility by default: only what carries
// NSC_API is part of its ABI, so the compiler's internals (front end, IR,
// passes, backends, LLVM glue) can change without breaking applications and
// do not clash with symbols of the application or of other libraries.
//
//===----------------------------------------------------------------------===//
#pragma once

#if defined(_WIN32)
#if defined(NSC_BUILDING_LIBRARY)
#define NSC_API __declspec(dllexport)
#else
#define NSC_API __declspec(dllimport)
#endif
#else
#define NSC_API __attribute__((visibility("default")))
#endif
