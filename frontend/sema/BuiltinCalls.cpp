//===- BuiltinCalls.cpp - Typing rules of the built-in functions ----------===//
//
// Signatures (argument units -> result unit):
//   exp expm1 ln log10 sin cos tan sinh cosh tanh erf erfc: dimensionless -> real
//   sqrt: U -> U^(1/2) (every exponent of U must be even)
//   abs floor ceil round: U -> U;  min max: (U, U) -> U;  clip: (U, U, U) -> U
//   delta: U -> real (dimensionless, as in NESTML);  steps: time -> integer;  resolution() timestep(): ms
//   random_normal(mean U, std U) random_uniform(lo U, hi U): U
//   random_poisson(dimensionless): integer
//   convolve(kernel K, spike port P): unit(K) (times the port's declared unit)
//   emit_spike(): neurons;  emit_spike(weight[, delay time]): synapses
//   integrate_odes(state variables with ODEs...), print/println(any...),
//   info/warning(string): void
//
//===----------------------------------------------------------------------===//
#include "ConstEval.h"
#include "ExprChecker.h"
#include "TypeResolver.h"

#include <cmath>

namespace nsc::sema {

using namespace ast;

static std::string quote(const ir::Type &t) { return "'" + typeStr(t) + "'"; }

static SourceRange calleeRange(const Call *c) {
  return c->calleeRange.valid() ? c->calleeRange : c->range;
}

bool ExprChecker::checkRegionAllows(Call *c, const BuiltinInfo &info) {
  std::string name = "'" + c->callee + "'";
  bool statementRegion = region == Region::Update || region == Region::OnReceive ||
                         region == Region::OnCondition || region == Region::Function;
  if (info.id == BuiltinId::IntegrateOdes && region != Region::Update) {
    diags_.error(c->range, "'integrate_odes' can only be called in the update block");
    return false;
  }
  if (hasSideEffects(info.id) && !statementRegion) {
    diags_.error(c->range, name + " cannot be called in " + regionName(region));
    return false;
  }
  if (isRandom(info.id) &&
      (region == Region::OdeRhs || region == Region::KernelRhs || region == Region::InlineRhs ||
       region == Region::VectorSize || region == Region::Guard || region == Region::Network ||
       region == Region::PairProbability)) {
    diags_.error(c->range, "random numbers cannot be drawn in " + std::string(regionName(region)));
    return false;
  }
  if (info.id == BuiltinId::Convolve && region != Region::OdeRhs && region != Region::InlineRhs) {
    diags_.error(c->range, "convolve() can only be used in an ODE or an inline expression");
    return false;
  }
  if (info.id == BuiltinId::Delta && region != Region::KernelRhs) {
    diags_.error(c->range, "delta() can only be used to define a kernel");
    return false;
  }
  return true;
}

ir::Type ExprChecker::checkBuiltinCall(Call *c, const BuiltinInfo &info) {
  if (!checkRegionAllows(c, info)) {
    if (info.id != BuiltinId::Convolve && info.id != BuiltinId::IntegrateOdes)
      for (auto &a : c->args)
        check(a.get());
    return ir::Type::error();
  }
  switch (info.id) {
  case BuiltinId::Convolve: return checkConvolve(c);
  case BuiltinId::IntegrateOdes: return checkIntegrateOdes(c);
  case BuiltinId::EmitSpike: return checkEmitSpike(c);
  default: break;
  }

  std::vector<ir::Type> args;
  bool argError = false;
  for (auto &a : c->args) {
    args.push_back(checkValue(a.get()));
    argError |= args.back().isError();
  }
  size_t n = c->args.size();
  if (n < info.minArgs || n > info.maxArgs) {
    std::string expected = info.minArgs == info.maxArgs
                               ? std::to_string(info.minArgs)
                               : (info.maxArgs == UINT_MAX
                                      ? "at least " + std::to_string(info.minArgs)
                                      : std::to_string(info.minArgs) + " to " +
                                            std::to_string(info.maxArgs));
    bool one = info.minArgs == 1 && info.maxArgs == 1;
    diags_.error(c->range, "'" + c->callee + "' expects " + expected + " argument" +
                               (one ? "" : "s") + " but " + std::to_string(n) +
                               (n == 1 ? " was" : " were") + " given")
        .note(calleeRange(c), std::string("signature: ") + info.signature);
    return ir::Type::error();
  }
  if (argError)
    return ir::Type::error();

  auto requireNumeric = [&](size_t i) {
    if (args[i].isNumeric())
      return true;
    diags_.error(c->args[i]->range, "argument of '" + c->callee + "' must be a number, not " +
                                        quote(args[i]));
    return false;
  };
  auto requireDimensionless = [&](size_t i) {
    if (!requireNumeric(i))
      return false;
    if (args[i].unit.isDimensionless())
      return true;
    // NESTML declares these functions on `real` and converts a physical
    // argument with a warning; the number is used in its own unit.
    warnUnitDropped(diags_, c->args[i].get(), ir::Type::real());
    return true;
  };
  auto agree = [&](size_t i, size_t j) {
    if (!requireNumeric(i) || !requireNumeric(j))
      return ir::Type::error();
    return unify(c->args[i].get(), c->args[j].get(), c->range,
                 "arguments of '" + c->callee + "' have incompatible units " + quote(args[i]) +
                     " and " + quote(args[j]));
  };

  switch (info.id) {
  case BuiltinId::Exp: case BuiltinId::Expm1: case BuiltinId::Ln: case BuiltinId::Log10:
  case BuiltinId::Sin: case BuiltinId::Cos: case BuiltinId::Tan: case BuiltinId::Sinh:
  case BuiltinId::Cosh: case BuiltinId::Tanh: case BuiltinId::Erf: case BuiltinId::Erfc:
    return requireDimensionless(0) ? ir::Type::real() : ir::Type::error();
  case BuiltinId::Sqrt: {
    if (!requireNumeric(0))
      return ir::Type::error();
    auto root = args[0].unit.dim.root(2);
    if (!root) {
      diags_.error(c->args[0]->range, "cannot take the square root of " + quote(args[0]) +
                                          ": its dimension has odd exponents");
      return ir::Type::error();
    }
    units::Unit u;
    u.dim = *root;
    u.scale = std::sqrt(args[0].unit.scale);
    return ir::Type::real(u);
  }
  case BuiltinId::Abs:
    return requireNumeric(0) ? args[0] : ir::Type::error();
  case BuiltinId::Floor: case BuiltinId::Ceil: case BuiltinId::Round:
    // The result stays real (no integer-division surprises later); assigning
    // it to an integer is the one accepted real -> integer conversion.
    if (!requireNumeric(0))
      return ir::Type::error();
    return args[0];
  case BuiltinId::Min: case BuiltinId::Max:
    return agree(0, 1);
  case BuiltinId::Clip: {
    ir::Type a = agree(0, 1);
    ir::Type b = agree(0, 2);
    if (a.isError() || b.isError())
      return ir::Type::error();
    ir::Type r = args[0];
    if (a.kind == ir::TypeKind::Real || b.kind == ir::TypeKind::Real)
      r.kind = ir::TypeKind::Real;
    if (r.unit.isDimensionless())
      r.unit = a.unit;
    return r;
  }
  case BuiltinId::Delta:
    // Dimensionless, as in NESTML: a delta kernel turns each spike into an
    // instantaneous jump by its weight, so convolve(K_delta, port) carries
    // the port's unit exactly like an exponential kernel does.
    return requireNumeric(0) ? ir::Type::real() : ir::Type::error();
  case BuiltinId::Steps:
    if (!requireNumeric(0))
      return ir::Type::error();
    if (args[0].unit.dim != units::Dimension::time()) {
      diags_.error(c->args[0]->range, "argument of 'steps' must be a time, not " + quote(args[0]));
      return ir::Type::error();
    }
    return ir::Type::integer();
  case BuiltinId::Resolution: case BuiltinId::Timestep:
    return ir::Type::real(millisecond());
  case BuiltinId::RandomNormal: case BuiltinId::RandomUniform: {
    ir::Type t = agree(0, 1);
    if (t.isError())
      return t;
    t.kind = ir::TypeKind::Real;
    return t;
  }
  case BuiltinId::RandomPoisson:
    return requireDimensionless(0) ? ir::Type::integer() : ir::Type::error();
  case BuiltinId::Print: case BuiltinId::Println:
    return ir::Type::voidTy();
  case BuiltinId::Info: case BuiltinId::Warning:
    if (args[0].kind != ir::TypeKind::String) {
      diags_.error(c->args[0]->range, "argument of '" + c->callee + "' must be a string, not " +
                                          quote(args[0]));
      return ir::Type::error();
    }
    return ir::Type::voidTy();
  default:
    break;
  }
  return ir::Type::error();
}

ir::Type ExprChecker::checkConvolve(Call *c) {
  if (c->args.size() != 2) {
    diags_.error(c->range, "'convolve' expects 2 arguments but " + std::to_string(c->args.size()) +
                               (c->args.size() == 1 ? " was" : " were") + " given")
        .note(calleeRange(c), "signature: convolve(kernel, spike_port)");
    return ir::Type::error();
  }
  bool ok = true;
  ir::Type kernelType = ir::Type::error();
  // First argument: a kernel (looked up among kernels first: an ODE-form
  // kernel shares its name with the state variables of its initial values).
  auto *k = dyn_cast<NameRef>(c->args[0].get());
  const ModelInfo::KernelInfo *ki = nullptr;
  if (k && model_ && k->diffOrder == 0 && !k->index) {
    auto it = model_->kernels.find(k->name);
    if (it != model_->kernels.end())
      ki = &it->second;
  }
  if (ki) {
    k->resolution = NameRef::Resolution::Kernel;
    k->target = ki->decl;
    k->targetIndex = ki->part;
    k->type = ki->type;
    kernelType = ki->type;
  } else {
    ok = false;
    if (k && !lookup(k->name) && !units::isUnitName(k->name)) {
      auto d = diags_.error(k->range, "use of undeclared kernel '" + k->name + "'");
      std::vector<std::string> names;
      if (model_)
        for (auto &kv : model_->kernels)
          names.push_back(kv.first);
      suggestName(d, k->range, k->name, names);
    } else {
      check(c->args[0].get());
      auto d = diags_.error(c->args[0]->range, "first argument of convolve() must be a kernel");
      noteDeclarations(d, c->args[0].get());
    }
  }
  // Second argument: a spike input port.
  auto *p = dyn_cast<NameRef>(c->args[1].get());
  const Symbol *ps = p && p->diffOrder == 0 ? lookup(p->name) : nullptr;
  ir::Type portUnit = ir::Type::real();
  if (ps && ps->kind == SymbolKind::Port &&
      static_cast<const InputPort *>(ps->decl)->isSpike) {
    bind(p, *ps);
    checkIndex(p, *ps);
    auto *port = static_cast<const InputPort *>(ps->decl);
    if (port->type && !port->resolvedType.isError())
      portUnit = port->resolvedType;
  } else {
    ok = false;
    if (p && !ps && !units::isUnitName(p->name)) {
      reportUndeclared(p->name, p->range, "input port");
    } else {
      check(c->args[1].get());
      auto d = diags_.error(c->args[1]->range,
                            "second argument of convolve() must be a spike input port");
      noteDeclarations(d, c->args[1].get());
    }
  }
  if (!ok || kernelType.isError())
    return ir::Type::error();
  // unit(K) * unit(spike train = 1/time) * time = unit(K); a port with a
  // declared weight unit (older NESTML) multiplies it in.
  return ir::Type::real(kernelType.unit * portUnit.unit);
}

ir::Type ExprChecker::checkIntegrateOdes(Call *c) {
  for (auto &a : c->args) {
    auto *n = dyn_cast<NameRef>(a.get());
    const Symbol *sym = n && n->diffOrder == 0 && !n->index ? lookup(n->name) : nullptr;
    bool hasOde = sym && sym->kind == SymbolKind::Variable && sym->context == DeclContext::State &&
                  model_ && model_->odeOrder.count(n->name);
    if (!hasOde) {
      if (n && !sym) {
        reportUndeclared(n->name, n->range, "variable");
        continue;
      }
      check(a.get());
      auto d = diags_.error(a->range, "argument of 'integrate_odes' must be a state variable "
                                      "with an ODE");
      noteDeclarations(d, a.get());
      continue;
    }
    bind(n, *sym);
  }
  return ir::Type::voidTy();
}

ir::Type ExprChecker::checkEmitSpike(Call *c) {
  std::vector<ir::Type> args;
  for (auto &a : c->args)
    args.push_back(checkValue(a.get()));
  bool synapse = model_ && model_->isSynapse;
  // Decision: synapses always transmit spikes and need no `output: spike`.
  if (model_ && !synapse && !model_->hasSpikeOutput) {
    auto d = diags_.error(c->range, "'emit_spike' requires 'output: spike' in the model");
    if (model_->output)
      d.note(model_->output->range, "the model's output is declared here");
    else
      d.note(model_->model->nameRange, "model '" + model_->model->name + "' declared here");
  }
  if (!synapse && !c->args.empty()) {
    diags_.error(c->args[0]->range, "'emit_spike' takes no arguments in a neuron model")
        .note(calleeRange(c), "weight and delay arguments are only allowed in synapse models");
    return ir::Type::voidTy();
  }
  if (c->args.size() > 2) {
    diags_.error(c->args[2]->range, "'emit_spike' expects at most 2 arguments (weight, delay)");
    return ir::Type::voidTy();
  }
  if (args.size() >= 1 && !args[0].isError() && !args[0].isNumeric())
    diags_.error(c->args[0]->range, "spike weight must be a number, not " + quote(args[0]));
  if (args.size() >= 2 && !args[1].isError() &&
      !(args[1].isNumeric() && (args[1].unit.dim == units::Dimension::time() ||
                                isUnitFreeLiteral(c->args[1].get()))))
    diags_.error(c->args[1]->range, "spike delay must be a time, not " + quote(args[1]));
  return ir::Type::voidTy();
}

} // namespace nsc::sema
