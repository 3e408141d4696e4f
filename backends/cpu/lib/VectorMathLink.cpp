//===- VectorMathLink.cpp - Link nsc's vector math into a model module ----===//

#include "VectorMathLink.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/IR/Attributes.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/SourceMgr.h"

namespace nsc::cpu {

using namespace llvm;

bool isVectorMathFunction(StringRef name) { return name.starts_with("nsc_vm_"); }

Error linkVectorMath(Module &module) {
  bool needed = false;
  for (const Function &f : module)
    needed |= f.isDeclaration() && isVectorMathFunction(f.getName());
  if (!needed)
    return Error::success();
  SMDiagnostic diag;
  const std::string &text = vectorMathIR().at(0).second;
  std::unique_ptr<Module> library = parseAssemblyString(text, diag, module.getContext());
  if (!library)
    return createStringError(inconvertibleErrorCode(),
                             "internal error: the embedded vector math IR does not parse: " +
                                 diag.getMessage().str());
  // The model module gets the host's triple and data layout later
  // (optimizeModule); the library is target-neutral x86-64 C.
  library->setTargetTriple(module.getTargetTriple());
  library->setDataLayout(module.getDataLayout());
  if (Linker::linkModules(module, std::move(library), Linker::LinkOnlyNeeded))
    return createStringError(inconvertibleErrorCode(), "internal error: cannot link the vector math IR");
  for (Function &f : module) {
    // The library's functions and its helpers (internal, C++-mangled).
    if (f.isDeclaration() || !f.getName().contains("nsc_vm_"))
      continue;
    f.setLinkage(GlobalValue::InternalLinkage);
    f.removeFnAttr(Attribute::NoInline);
    f.removeFnAttr(Attribute::OptimizeNone);
    f.addFnAttr(Attribute::AlwaysInline);
    // The host's CPU and features come from the target machine.
    f.removeFnAttr("target-cpu");
    f.removeFnAttr("target-features");
    f.removeFnAttr("tune-cpu");
  }
  return Error::success();
}

} // namespace nsc::cpu
