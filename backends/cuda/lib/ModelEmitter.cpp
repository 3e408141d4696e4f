//===- ModelEmitter.cpp - One neuron model as CUDA device code ------------===//
//
// The skeleton of a model's device code (ModelEmitter.h): the frame struct,
// the user functions, and the step kernel that loads one neuron's cells,
// reads its ring slot, runs update, the handlers and the conditions
// (expressions and statements: ExprEmitter.cpp, StmtEmitter.cpp), stores
// the written cells and compacts the spikes.
//
//===----------------------------------------------------------------------===//
#include "ModelEmitterInternal.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

namespace nsc::cuda::detail {

using namespace ir;

std::string identifier(const std::string &name) {
  std::string s;
  for (char c : name)
    s += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : c == '\'' ? 'p' : '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
    s = "_" + s;
  return s;
}

void Emitter::nameMembers() {
  // Names: the declared name where it is a unique C identifier that the
  // frame does not use for its context or ports (a variable 'k' becomes
  // k_ID).
  std::map<std::string, int> used;
  for (const char *reserved : {"i", "k", "t", "status", "spiked", "rngKey", "rng", "rngReady", "rngOverflow"})
    used[reserved] = 1;
  for (const Port &p : m_.ports) {
    used["in_" + identifier(p.name)] = 1;
    used["count_" + identifier(p.name)] = 1;
  }
  for (const Variable &v : m_.variables) {
    std::string id = identifier(v.name);
    if (used[id]++)
      id += "_" + std::to_string(v.id);
    member_.push_back(id);
  }
  for (const Port &p : m_.ports)
    port_.push_back("in_" + identifier(p.name));
}

void Emitter::emitFrame(std::ostream &o, const std::string &P) {
  o << "//===----------------------------------------------------------------------===//\n";
  o << "// model " << m_.name << " (" << m_.variables.size() << " variables, " << layout_.portSlots
    << " port slots, precision " << m_.semantics.precision.str() << ")\n";
  o << "//===----------------------------------------------------------------------===//\n\n";
  // The frame: one neuron's cells (slot order of the cpu runtime), port
  // inputs of this step and the context its code reads.
  o << "struct " << P << "_frame {\n";
  for (const Variable &v : m_.variables) {
    o << "  " << cellType(v.type) << " " << member_[v.id];
    if (v.vectorSize)
      o << "[" << v.vectorSize << "]";
    o << "; // " << varRoleName(v.role) << " " << v.name << " " << v.type.str()
      << (isFixed(v.type) ? " Q" + std::to_string(v.type.precision.intBits) + "." +
                                std::to_string(v.type.precision.fracBits)
                          : std::string())
      << (v.role == VarRole::Local || v.role == VarRole::Argument ? "" : ", slot " + std::to_string(layout_.slot(v.id)))
      << "\n";
  }
  for (size_t p = 0; p < m_.ports.size(); ++p) {
    const Port &port = m_.ports[p];
    std::string dim = port.vectorSize ? "[" + std::to_string(port.vectorSize) + "]" : "";
    o << "  double " << port_[p] << dim << "; // port " << port.name << ", slot " << layout_.portSlot(p) << "\n";
    o << "  nsc_u32 count_" << identifier(port.name) << dim << ";\n";
  }
  o << "  nsc_u64 i, k;      // neuron, step\n";
  o << "  double t;          // t_k in ms\n";
  o << "  nsc_u64 *status;   // the population's status words\n";
  o << "  nsc_u64 spiked;    // emit_spike() was called\n";
  o << "  nsc_u64 rngKey;    // K(population, 1)\n";
  o << "  nsc_rng rng;       // stream (neuron, step) of R33, opened on first use\n";
  o << "  bool rngReady;\n";
  o << "  nsc_u32 rngOverflow;\n";
  o << "};\n\n";
  o << "__device__ __forceinline__ nsc_rng &" << P << "_rng(" << P << "_frame &f) {\n"
    << "  if (!f.rngReady) {\n    nsc_rng_init(f.rng, f.rngKey, f.i, f.k);\n    f.rngReady = true;\n  }\n"
    << "  return f.rng;\n}\n\n";
}

void Emitter::emitFunctions(std::ostream &o, const std::string &P) {
  // No recursion (checked by run), declared first so any order works.
  for (const Function &fn : m_.functions) {
    o << "__device__ " << (fn.returnType.kind == TypeKind::Void ? "void" : cType(fn.returnType)) << " " << P
      << "_fn_" << identifier(fn.name) << "(" << P << "_frame &f";
    for (VarId a : fn.params)
      o << ", " << cType(m_.variables[a].type) << " a_" << member_[a];
    o << ");\n";
  }
  if (!m_.functions.empty())
    o << "\n";
  for (const Function &fn : m_.functions)
    emitFunction(o, P, fn);
}

void Emitter::emitFunction(std::ostream &o, const std::string &P, const Function &fn) {
  std::string ret = fn.returnType.kind == TypeKind::Void ? "void" : cType(fn.returnType);
  std::string name = P + "_fn_" + identifier(fn.name);
  // The body reads its arguments from the frame, as the interpreter binds
  // them to their slots; the wrapper saves and restores those slots.
  o << "__device__ " << ret << " " << name << "_body(" << P << "_frame &f) {\n";
  body_.str("");
  inFunction_ = true;
  block(fn.body, 1);
  inFunction_ = false;
  o << body_.str();
  if (fn.returnType.kind != TypeKind::Void)
    o << "  return 0; // falling off the end returns zero, as in the interpreter\n";
  o << "}\n";
  o << "__device__ " << ret << " " << name << "(" << P << "_frame &f";
  for (VarId a : fn.params)
    o << ", " << cType(m_.variables[a].type) << " a_" << member_[a];
  o << ") {\n";
  for (VarId a : fn.params) {
    const Variable &v = m_.variables[a];
    if (v.vectorSize) {
      fail(fn.loc, "the cuda target cannot pass the vector argument '" + v.name + "'");
      continue;
    }
    o << "  " << cellType(v.type) << " saved_" << member_[a] << " = f."
      << member_[a] << ";\n";
    o << "  f." << member_[a] << " = " << (v.type.kind == TypeKind::Bool ? "a_" + member_[a] + " ? 1 : 0" : "a_" + member_[a])
      << ";\n";
  }
  o << "  " << (ret == "void" ? "" : ret + " r = ") << name << "_body(f);\n";
  for (VarId a : fn.params)
    o << "  f." << member_[a] << " = saved_" << member_[a] << ";\n";
  if (ret != "void")
    o << "  return r;\n";
  o << "}\n\n";
}

void Emitter::collectWritten() {
  // What is written back: every column variable some code assigns.
  ModelEffects::collectWrites(m_.update, written_);
  for (const OnReceive &r : m_.onReceive)
    ModelEffects::collectWrites(r.body, written_);
  for (const OnCondition &c : m_.onCondition)
    ModelEffects::collectWrites(c.body, written_);
  for (const Function &fn : m_.functions)
    ModelEffects::collectWrites(fn.body, written_);
}

void Emitter::emitStepPrologue(std::ostream &o, const std::string &P) {
  o << "/// One thread per neuron: phases 2-4 of docs/semantics.md §2 on this step's\n"
    << "/// ring slot, then spike compaction. CountMask: bit s set when port slot s\n"
    << "/// is a count-mode port of this population (docs/cuda.md).\n";
  o << "template <nsc_u64 CountMask>\n";
  o << "__device__ __forceinline__ void " << P << "_step(const nsc_pop &P, nsc_u64 k) {\n";
  o << "  const nsc_u64 i = (nsc_u64)blockIdx.x * blockDim.x + threadIdx.x;\n";
  o << "  bool fired = false;\n";
  o << "  if (i < P.n) {\n";
  o << "    const nsc_u64 n = P.n;\n";
  o << "    const double *cells = NSC_PTR(const double, P.state);\n";
  o << "    const nsc_i64 *icells = NSC_PTR(const nsc_i64, P.state);\n";
  o << "    (void)cells;\n    (void)icells;\n";
  o << "    " << P << "_frame f = {};\n";
  o << "    f.i = i;\n    f.k = k;\n    f.t = __dmul_rn((double)k, P.dt);\n";
  o << "    f.status = NSC_PTR(nsc_u64, P.status);\n    f.rngKey = P.rng_key;\n";
  o << "    // Cells (locals and arguments start at zero).\n";
  for (const Variable &v : m_.variables) {
    if (v.role == VarRole::Local || v.role == VarRole::Argument)
      continue;
    for (unsigned e = 0; e < layout_.elements(v.id); ++e)
      o << "    f." << member_[v.id] << (v.vectorSize ? "[" + std::to_string(e) + "]" : "") << " = "
        << (layout_.encoding(v.id) == CellEncoding::Real64 ? "cells" : "icells") << "[" << layout_.slot(v.id) + e
        << " * n + i];\n";
  }
  if (!layout_.portSlots)
    return;
  o << "    // This step's ring slot (R5, R15).\n";
  o << "    const nsc_u64 ring = (k % P.D) * P.ports * n;\n";
  o << "    const nsc_u32 *counts = NSC_PTR(const nsc_u32, P.ring_count);\n";
  for (size_t p = 0; p < m_.ports.size(); ++p) {
    const Port &port = m_.ports[p];
    for (unsigned e = 0; e < layout_.portElements(uint32_t(p)); ++e) {
      unsigned slot = layout_.portSlot(uint32_t(p)) + e;
      std::string el = port.vectorSize ? "[" + std::to_string(e) + "]" : "";
      o << "    f.count_" << identifier(port.name) << el << " = counts[ring + " << slot << " * n + i];\n";
      o << "    f." << port_[p] << el << " = nsc_port_value(P, ring, " << slot << ", i, f.count_"
        << identifier(port.name) << el << ", (CountMask >> " << slot << ") & 1);\n";
    }
  }
}

void Emitter::emitStepBlocks(std::ostream &o) {
  body_.str("");
  line(2, "// update: (R6)");
  block(m_.update, 2);
  // on_receive: descending priority, then declaration order (R8).
  std::vector<unsigned> order;
  for (unsigned h = 0; h < m_.onReceive.size(); ++h)
    order.push_back(h);
  std::stable_sort(order.begin(), order.end(),
                   [&](unsigned a, unsigned b) { return m_.onReceive[a].priority > m_.onReceive[b].priority; });
  for (unsigned h : order) {
    const OnReceive &r = m_.onReceive[h];
    const Port &port = m_.ports[r.port];
    std::string cond;
    for (unsigned e = 0; e < layout_.portElements(r.port); ++e)
      cond += std::string(cond.empty() ? "" : " || ") + "f.count_" + identifier(port.name) +
              (port.vectorSize ? "[" + std::to_string(e) + "]" : "") + " > 0";
    line(2, "// onReceive(" + port.name + ") (R8)");
    line(2, "if (" + cond + ") {");
    block(r.body, 3);
    line(2, "}");
  }
  for (size_t c = 0; c < m_.onCondition.size(); ++c) {
    line(2, "// onCondition #" + std::to_string(c + 1) + " (R11)");
    line(2, "if (" + expr(*m_.onCondition[c].cond) + ") {");
    block(m_.onCondition[c].body, 3);
    line(2, "}");
  }
  o << body_.str();
}

void Emitter::emitStepEpilogue(std::ostream &o) {
  const unsigned portSlots = layout_.portSlots;
  o << "    // Written cells back; the ring slot is free again (R5).\n";
  o << "    double *wcells = NSC_PTR(double, P.state);\n";
  o << "    nsc_i64 *wicells = NSC_PTR(nsc_i64, P.state);\n";
  for (const Variable &v : m_.variables) {
    if (v.role == VarRole::Local || v.role == VarRole::Argument || !written_.count(v.id))
      continue;
    for (unsigned e = 0; e < layout_.elements(v.id); ++e)
      o << "    " << (layout_.encoding(v.id) == CellEncoding::Real64 ? "wcells" : "wicells") << "[" << layout_.slot(v.id) + e
        << " * n + i] = f." << member_[v.id] << (v.vectorSize ? "[" + std::to_string(e) + "]" : "") << ";\n";
  }
  o << "    (void)wcells;\n    (void)wicells;\n";
  if (portSlots) {
    o << "    for (nsc_u64 s = 0; s < " << portSlots << "; ++s) {\n";
    o << "      NSC_PTR(double, P.ring_value)[ring + s * n + i] = 0.0;\n";
    o << "      NSC_PTR(nsc_u32, P.ring_count)[ring + s * n + i] = 0;\n";
    o << "    }\n";
  }
  std::string finite;
  for (const Variable &v : m_.variables)
    if (v.role == VarRole::State && layout_.encoding(v.id) == CellEncoding::Real64) // raw integers are finite
      for (unsigned e = 0; e < layout_.elements(v.id); ++e)
        finite += std::string(finite.empty() ? "" : " && ") + "isfinite(f." + member_[v.id] +
                  (v.vectorSize ? "[" + std::to_string(e) + "]" : "") + ")";
  if (!finite.empty()) {
    o << "    // Numeric trouble: the first step with a NaN or infinite state.\n";
    o << "    if (!(" << finite << "))\n";
    o << "      atomicMin(&f.status[0], k);\n";
  }
  o << "    if (f.rngOverflow)\n";
  o << "      atomicCAS(&f.status[2], 0ull, 3ull);\n";
  o << "    NSC_PTR(nsc_u32, P.mult)[i] = (nsc_u32)f.spiked;\n";
  o << "    fired = f.spiked != 0;\n";
  o << "  }\n";
  o << "  nsc_compact_spikes(P, fired, i);\n";
  o << "}\n\n";
}

bool Emitter::run(std::string &out) {
  const std::string P = "nsc_" + p_;
  nameMembers();
  for (uint32_t f = 0; f < m_.functions.size(); ++f) {
    if (effects_.recursive(f)) {
      fail(m_.functions[f].loc, "the cuda target cannot compile the recursive function '" + m_.functions[f].name + "'");
      return false;
    }
  }
  std::ostringstream o;
  emitFrame(o, P);
  emitFunctions(o, P);
  collectWritten();
  emitStepPrologue(o, P);
  emitStepBlocks(o);
  emitStepEpilogue(o);
  out += o.str();
  return ok_;
}

bool emitModel(const Model &model, double dtMs, const std::string &prefix, std::string &out,
               std::vector<std::string> &warnings, DiagnosticEngine &diags) {
  Emitter e(model, dtMs, prefix, diags);
  bool ok = e.run(out);
  warnings = e.warnings;
  return ok;
}

} // namespace nsc::cuda::detail
