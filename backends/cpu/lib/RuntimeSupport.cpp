//===- RuntimeSupport.cpp - The nsc_rt_* routines generated code calls ----===//
//
// Each routine does what the reference interpreter does at the same point
// (ModelExecutor.cpp), with the same texts, so the cpu backend's output and
// warning list match the interpreter's.
//
// No exception may leave these routines: they are called from JIT-compiled
// frames. The random stream's errors (a Poisson mean that is negative or not
// finite, more than 2^16 blocks in one step) become the context's fatal
// message, which the engine checks after every step call.
//
//===----------------------------------------------------------------------===//
#include "RuntimeSupport.h"

#include "nsc/ir/FixedPoint.h"
#include "nsc/runtime/Random.h"

#include <cmath>
#include <cstdio>
#include <exception>
#include <iostream>
#include <new>
#include <type_traits>

using nsc::runtime::RandomStream;

namespace {

/// What nsc_rt_rng_init places in the generated code's buffer: the neuron's
/// stream for this step, and the context that receives a failing draw's
/// message. The buffer is a stack slot of the step function, reused for the
/// next neuron without a destructor call, which is why RandomStream must be
/// trivially destructible.
struct RngSlot {
  RandomStream stream;
  nsc_runtime *rt;
};
static_assert(std::is_trivially_destructible_v<RandomStream>,
              "the rng buffer is dropped without a destructor call");
static_assert(std::is_trivially_destructible_v<RngSlot>);
static_assert(sizeof(RngSlot) <= NSC_RNG_BUFFER_BYTES, "grow NSC_RNG_BUFFER_BYTES (StepABI.h)");
static_assert(alignof(RngSlot) <= NSC_RNG_BUFFER_ALIGN, "grow NSC_RNG_BUFFER_ALIGN (StepABI.h)");

RngSlot &slot(void *buffer) { return *std::launder(static_cast<RngSlot *>(buffer)); }

void setFatal(nsc_runtime *rt, const std::string &message) {
  // The first failure stops the run; later ones would only repeat it.
  if (rt && rt->fatal.empty())
    rt->fatal = message;
}

void failedDraw(RngSlot &s, const char *what, const std::exception &e) {
  setFatal(s.rt, std::string(what) + " in model '" + (s.rt ? s.rt->model : std::string()) +
                     "' failed: " + e.what());
}

std::string &currentMessage(nsc_runtime *rt) {
  if (rt->messages.empty())
    rt->messages.emplace_back();
  return rt->messages.back();
}

} // namespace

extern "C" {

void nsc_rt_rng_init(void *buffer, const nsc_runtime *rt, uint64_t neuron, uint64_t step) {
  // The context is owned by the engine and mutable; the ABI passes it as
  // const because initialising a stream only reads the key.
  auto *mutableRt = const_cast<nsc_runtime *>(rt);
  try {
    new (buffer) RngSlot{RandomStream::perStep(rt->rngKey, neuron, step), mutableRt};
  } catch (const std::exception &e) {
    // Only an index beyond the 48-bit counter field gets here; the slot
    // gets a valid stream (index 0) so later draws are harmless.
    new (buffer) RngSlot{RandomStream::perStep(rt->rngKey, 0, step), mutableRt};
    setFatal(mutableRt, "random stream of model '" + rt->model + "': " + e.what());
  }
}

double nsc_rt_rng_uniform(void *buffer, double lo, double hi) {
  RngSlot &s = slot(buffer);
  try {
    return s.stream.uniform(lo, hi);
  } catch (const std::exception &e) {
    failedDraw(s, "random_uniform", e);
    return NAN;
  }
}

double nsc_rt_rng_normal(void *buffer, double mean, double sd) {
  RngSlot &s = slot(buffer);
  try {
    return s.stream.normal(mean, sd);
  } catch (const std::exception &e) {
    failedDraw(s, "random_normal", e);
    return NAN;
  }
}

double nsc_rt_rng_lognormal(void *buffer, double mu, double sigma) {
  RngSlot &s = slot(buffer);
  try {
    return s.stream.lognormal(mu, sigma);
  } catch (const std::exception &e) {
    failedDraw(s, "random_lognormal", e);
    return NAN;
  }
}

double nsc_rt_rng_exponential(void *buffer, double rate) {
  RngSlot &s = slot(buffer);
  try {
    // The IR's argument goes to RandomStream::exponential unchanged, as the
    // interpreter passes it (the stream's parameter is the mean, R35).
    return s.stream.exponential(rate);
  } catch (const std::exception &e) {
    failedDraw(s, "random_exponential", e);
    return NAN;
  }
}

int64_t nsc_rt_rng_poisson(void *buffer, double mean) {
  RngSlot &s = slot(buffer);
  try {
    return int64_t(s.stream.poisson(mean));
  } catch (const std::exception &e) {
    failedDraw(s, "random_poisson", e);
    return 0;
  }
}

void nsc_rt_msg_begin(nsc_runtime *rt) { rt->messages.emplace_back(); }

void nsc_rt_msg_str(nsc_runtime *rt, const char *text) { currentMessage(rt) += text; }

void nsc_rt_msg_real(nsc_runtime *rt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  currentMessage(rt) += buf;
}

void nsc_rt_msg_int(nsc_runtime *rt, int64_t v) { currentMessage(rt) += std::to_string(v); }

void nsc_rt_msg_bool(nsc_runtime *rt, int64_t v) { currentMessage(rt) += v ? "true" : "false"; }

void nsc_rt_msg_end(nsc_runtime *rt, uint32_t kind) {
  std::string text = std::move(currentMessage(rt));
  rt->messages.pop_back();
  switch (kind) {
  case 0: std::cout << text; break;
  case 1:
  case 2: std::cout << text << "\n"; break;
  default: rt->warnings[rt->model + ": " + text]++; break;
  }
}

void nsc_rt_warn_index(nsc_runtime *rt, int64_t index, uint64_t size) {
  rt->warnings["index " + std::to_string(index) + " out of range [0, " + std::to_string(size) +
               "): clamped"]++;
}

void nsc_rt_warn_int_div_zero(nsc_runtime *rt) {
  rt->warnings["integer division by zero (result 0)"]++;
}

void nsc_rt_warn_for_step_zero(nsc_runtime *rt) {
  rt->warnings[rt->model + ": for loop with step 0 skipped"]++;
}

void nsc_rt_fatal(nsc_runtime *rt, uint32_t code) {
  switch (code) {
  case 1: setFatal(rt, "a for loop of model '" + rt->model + "' ran more than 10^8 iterations"); break;
  case 2:
    setFatal(rt, "a while loop of model '" + rt->model +
                     "' ran more than 10^8 iterations in one step");
    break;
  case 3:
    // The interpreter names the function; a numeric code cannot.
    setFatal(rt, "a function of model '" + rt->model + "' recursed more than 256 levels");
    break;
  default:
    setFatal(rt, "generated code of model '" + rt->model + "' stopped with unknown code " +
                     std::to_string(code));
    break;
  }
}

// Fixed point: the same functions the interpreter calls (FixedPoint.h).
static nsc::ir::Precision unpackFormat(int64_t f) {
  return nsc::ir::Precision::fixed(int(f & 0xff), int((f >> 8) & 0xff), nsc::ir::Rounding((f >> 16) & 0xff),
                                   nsc::ir::Overflow((f >> 24) & 0xff));
}

int64_t nsc_rt_fx_input(double v, int64_t format) { return nsc::ir::fx::inputFromDouble(v, unpackFormat(format)); }

int64_t nsc_rt_fx_from_double(double v, int64_t format) { return nsc::ir::fx::fromDouble(v, unpackFormat(format)); }

int64_t nsc_rt_fx_binary(uint32_t op, int64_t a, int64_t fa, int64_t b, int64_t fb, int64_t fr) {
  namespace fx = nsc::ir::fx;
  auto pa = unpackFormat(fa), pb = unpackFormat(fb), pr = unpackFormat(fr);
  return op == 0 ? fx::div(a, pa, b, pb, pr) : fx::mod(a, pa, b, pb, pr);
}

int64_t nsc_rt_fx_unary(uint32_t op, int64_t a, int64_t fa, int64_t fr) {
  namespace fx = nsc::ir::fx;
  auto pa = unpackFormat(fa), pr = unpackFormat(fr);
  switch (op) {
  case 0: return fx::floorOf(a, pa, pr);
  case 1: return fx::ceilOf(a, pa, pr);
  case 2: return fx::roundOf(a, pa, pr);
  case 3: return fx::abs(a, pa, pr);
  default: return fx::toInt(a, pa);
  }
}

int64_t nsc_rt_fx_scale(int64_t a, int64_t fa, double factor, int64_t fr) {
  return nsc::ir::fx::scaleBy(a, unpackFormat(fa), factor, unpackFormat(fr));
}

} // extern "C"

namespace nsc::cpu {

void mergeWarnings(std::map<std::string, uint64_t> &into, const nsc_runtime &from) {
  for (const auto &[text, count] : from.warnings)
    into[text] += count;
}

} // namespace nsc::cpu
