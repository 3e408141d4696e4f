//===- Jit.cpp - Optimise, compile, cache and load generated code ---------===//
//
// See Jit.h. The disk cache stores one file per compiled module,
// `<dir>/<key>.o`: the ELF object followed by a 40-byte trailer (an 8-byte
// magic and the SHA-256 of the object bytes). ELF readers ignore bytes after
// the section headers, so the file is still a valid object for `nm` or
// `objdump`; the trailer lets a truncated or damaged entry be detected
// before anything of it is linked, and such an entry is recompiled.
//
//===----------------------------------------------------------------------===//
#include "Jit.h"

#include "StepABI.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/ObjectFileInterface.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <cstdlib>
#include <mutex>
#include <set>

using namespace llvm;

namespace nsc::cpu {

namespace {

/// Bumped whenever the cache file layout or anything else that changes the
/// compiled object without changing the key inputs changes.
constexpr const char *kCacheFormatVersion = "nsc-object-cache-1";
/// The trailer after the object bytes: magic, then SHA-256 of the object.
constexpr char kTrailerMagic[8] = {'N', 'S', 'C', 'O', 'B', 'J', '0', '1'};
constexpr size_t kDigestBytes = 32;
constexpr size_t kTrailerBytes = sizeof(kTrailerMagic) + kDigestBytes;

constexpr CodeGenOptLevel kCodeGenOptLevel = CodeGenOptLevel::Aggressive;
constexpr const char *kOptLevelName = "O3";

void initializeNativeTargetOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
  });
}

/// The one description of the host every TargetMachine of this file is made
/// from, so the optimiser, the object emitter and the JIT agree.
struct HostTarget {
  std::string triple, cpu, features;
  TargetOptions options;
};

HostTarget hostTarget() {
  HostTarget h;
  h.triple = sys::getProcessTriple();
  h.cpu = sys::getHostCPUName().str();
  SubtargetFeatures features;
  for (const auto &f : sys::getHostCPUFeatures())
    features.AddFeature(f.first(), f.second);
  h.features = features.getString();
  // IEEE arithmetic as written: no contraction into FMA, no fast-math
  // (docs/semantics.md, precision): the generated code must give the bits
  // the interpreter gives.
  h.options.AllowFPOpFusion = FPOpFusion::Strict;
  h.options.UnsafeFPMath = false;
  h.options.NoInfsFPMath = false;
  h.options.NoNaNsFPMath = false;
  h.options.NoSignedZerosFPMath = false;
  h.options.ApproxFuncFPMath = false;
  return h;
}

std::array<uint8_t, 32> sha256(StringRef data) {
  SHA256 h;
  h.update(data);
  return h.final();
}

/// $NSC_CACHE_DIR, else $XDG_CACHE_HOME/nsc, else $HOME/.cache/nsc, created
/// if missing; "" when none can be determined, created or written.
std::string chooseCacheDirectory() {
  SmallString<256> dir;
  if (const char *d = std::getenv("NSC_CACHE_DIR"); d && *d) {
    dir = d;
  } else if (const char *x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    dir = x;
    sys::path::append(dir, "nsc");
  } else if (const char *home = std::getenv("HOME"); home && *home) {
    dir = home;
    sys::path::append(dir, ".cache", "nsc");
  } else {
    return "";
  }
  if (sys::fs::create_directories(dir))
    return "";
  if (!sys::fs::is_directory(dir) || sys::fs::access(dir, sys::fs::AccessMode::Write))
    return "";
  return std::string(dir);
}

/// Writes `bytes` to `path` atomically: a unique temporary file in the same
/// directory, then rename, so a concurrent reader sees the whole entry or
/// none. Failures are ignored (the cache is an optimisation).
void writeFileAtomically(StringRef path, StringRef bytes) {
  SmallString<256> tmp;
  int fd = -1;
  if (sys::fs::createUniqueFile(path + ".tmp-%%%%%%%%", fd, tmp))
    return;
  bool ok;
  {
    raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << bytes;
    os.close();
    ok = !os.has_error();
    os.clear_error();
  }
  if (!ok || sys::fs::rename(tmp, path))
    sys::fs::remove(tmp);
}

/// The object bytes of a cache file whose trailer checks out, or nothing.
std::optional<StringRef> verifiedObject(const MemoryBuffer &file) {
  StringRef all = file.getBuffer();
  if (all.size() <= kTrailerBytes)
    return std::nullopt;
  StringRef object = all.drop_back(kTrailerBytes);
  StringRef trailer = all.take_back(kTrailerBytes);
  if (trailer.take_front(sizeof(kTrailerMagic)) != StringRef(kTrailerMagic, sizeof(kTrailerMagic)))
    return std::nullopt;
  std::array<uint8_t, 32> digest = sha256(object);
  if (trailer.drop_front(sizeof(kTrailerMagic)) !=
      StringRef(reinterpret_cast<const char *>(digest.data()), digest.size()))
    return std::nullopt;
  return object;
}

/// Every nsc_rt_* routine of StepABI.h, by name. Registered as absolute
/// symbols so generated code finds them whether or not the executable
/// exports its symbols (-rdynamic).
std::vector<std::pair<const char *, void *>> supportRoutines() {
  return {
      {"nsc_rt_rng_init", reinterpret_cast<void *>(&nsc_rt_rng_init)},
      {"nsc_rt_rng_uniform", reinterpret_cast<void *>(&nsc_rt_rng_uniform)},
      {"nsc_rt_rng_normal", reinterpret_cast<void *>(&nsc_rt_rng_normal)},
      {"nsc_rt_rng_lognormal", reinterpret_cast<void *>(&nsc_rt_rng_lognormal)},
      {"nsc_rt_rng_exponential", reinterpret_cast<void *>(&nsc_rt_rng_exponential)},
      {"nsc_rt_rng_poisson", reinterpret_cast<void *>(&nsc_rt_rng_poisson)},
      {"nsc_rt_msg_begin", reinterpret_cast<void *>(&nsc_rt_msg_begin)},
      {"nsc_rt_msg_str", reinterpret_cast<void *>(&nsc_rt_msg_str)},
      {"nsc_rt_msg_real", reinterpret_cast<void *>(&nsc_rt_msg_real)},
      {"nsc_rt_msg_int", reinterpret_cast<void *>(&nsc_rt_msg_int)},
      {"nsc_rt_msg_bool", reinterpret_cast<void *>(&nsc_rt_msg_bool)},
      {"nsc_rt_msg_end", reinterpret_cast<void *>(&nsc_rt_msg_end)},
      {"nsc_rt_warn_index", reinterpret_cast<void *>(&nsc_rt_warn_index)},
      {"nsc_rt_warn_int_div_zero", reinterpret_cast<void *>(&nsc_rt_warn_int_div_zero)},
      {"nsc_rt_warn_for_step_zero", reinterpret_cast<void *>(&nsc_rt_warn_for_step_zero)},
      {"nsc_rt_fatal", reinterpret_cast<void *>(&nsc_rt_fatal)},
      {"nsc_rt_fx_input", reinterpret_cast<void *>(&nsc_rt_fx_input)},
      {"nsc_rt_fx_from_double", reinterpret_cast<void *>(&nsc_rt_fx_from_double)},
      {"nsc_rt_fx_binary", reinterpret_cast<void *>(&nsc_rt_fx_binary)},
      {"nsc_rt_fx_unary", reinterpret_cast<void *>(&nsc_rt_fx_unary)},
      {"nsc_rt_fx_scale", reinterpret_cast<void *>(&nsc_rt_fx_scale)},
  };
}

/// The JITDylib every generated module links against after its own: the
/// process's symbols (libm's exp, log, pow, ... and whatever else is loaded)
/// and the support routines.
Expected<orc::JITDylibSP> setUpProcessSymbols(orc::LLJIT &jit) {
  orc::JITDylib &jd = jit.getExecutionSession().createBareJITDylib("<Process Symbols>");
  char prefix = jit.getDataLayout().getGlobalPrefix();
  auto processSymbols = orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(prefix);
  if (!processSymbols)
    return processSymbols.takeError();
  jd.addGenerator(std::move(*processSymbols));

  orc::SymbolMap routines;
  orc::MangleAndInterner mangle(jit.getExecutionSession(), jit.getDataLayout());
  for (auto &[name, address] : supportRoutines())
    routines[mangle(name)] = {orc::ExecutorAddr::fromPtr(address),
                              JITSymbolFlags::Exported | JITSymbolFlags::Callable};
  if (Error e = jd.define(orc::absoluteSymbols(std::move(routines))))
    return e;
  return orc::JITDylibSP(&jd);
}

} // namespace

Expected<std::unique_ptr<TargetMachine>> createHostTargetMachine() {
  initializeNativeTargetOnce();
  HostTarget h = hostTarget();
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(h.triple, error);
  if (!target)
    return createStringError(inconvertibleErrorCode(),
                             "no LLVM target for the host triple '" + h.triple + "': " + error);
  // Small code model and PIC: a normal object for --emit=obj, and one JITLink
  // can place anywhere (calls to libm and the support routines go through
  // its GOT/PLT stubs).
  std::unique_ptr<TargetMachine> tm(target->createTargetMachine(
      h.triple, h.cpu, h.features, h.options, Reloc::PIC_, CodeModel::Small, kCodeGenOptLevel,
      /*JIT=*/false));
  if (!tm)
    return createStringError(inconvertibleErrorCode(),
                             "cannot create a target machine for '" + h.triple + "' (cpu '" +
                                 h.cpu + "')");
  return tm;
}

void optimizeModule(Module &module, TargetMachine &tm) {
  module.setTargetTriple(tm.getTargetTriple().str());
  module.setDataLayout(tm.createDataLayout());

  PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  tuning.LoopUnrolling = true;
  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  // The TargetMachine gives the passes the host's TargetTransformInfo; without
  // it the cost model knows no vector registers and nothing is vectorized.
  PassBuilder pb(&tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(OptimizationLevel::O3);
  mpm.run(module, mam);
}

Error emitModule(Module &module, TargetMachine &tm, OutputKind kind, raw_pwrite_stream &out) {
  module.setTargetTriple(tm.getTargetTriple().str());
  module.setDataLayout(tm.createDataLayout());
  legacy::PassManager pm;
  CodeGenFileType type =
      kind == OutputKind::Object ? CodeGenFileType::ObjectFile : CodeGenFileType::AssemblyFile;
  if (tm.addPassesToEmitFile(pm, out, nullptr, type))
    return createStringError(inconvertibleErrorCode(),
                             std::string("the target cannot emit ") +
                                 (kind == OutputKind::Object ? "an object file" : "assembly"));
  pm.run(module);
  return Error::success();
}

//===----------------------------------------------------------------------===//
// JitEngine
//===----------------------------------------------------------------------===//

struct JitEngine::Impl {
  /// Errors the ExecutionSession reports on the side (e.g. "Symbols not
  /// found: [ f ]" while the lookup itself only says that materialization
  /// failed): collected here and attached to the failing call's error
  /// instead of being printed to stderr. Declared before `jit`, so they
  /// outlive it (the session may report while it shuts down).
  std::mutex sessionErrorsMutex;
  std::string sessionErrors;
  std::unique_ptr<orc::LLJIT> jit;
  std::unique_ptr<TargetMachine> tm;
  HostTarget host;
  std::string cacheDir;
  /// Keys of the modules loaded into this engine.
  std::set<std::string> loaded;
  Error withSessionErrors(Error e);

  std::string keyOf(Module &module) const;
  /// Adds the object and links it now (every symbol it defines is looked up),
  /// so a broken object fails here rather than at the first lookup; on
  /// failure nothing of it stays in the JIT.
  Error loadObject(std::unique_ptr<MemoryBuffer> object);
};

JitEngine::JitEngine() : impl_(std::make_unique<Impl>()) {}
JitEngine::~JitEngine() = default;

Expected<std::unique_ptr<JitEngine>> JitEngine::create() {
  initializeNativeTargetOnce();
  std::unique_ptr<JitEngine> engine(new JitEngine());
  Impl &impl = *engine->impl_;
  impl.host = hostTarget();

  auto tm = createHostTargetMachine();
  if (!tm)
    return tm.takeError();
  impl.tm = std::move(*tm);

  orc::JITTargetMachineBuilder jtmb{Triple(impl.host.triple)};
  jtmb.setCPU(impl.host.cpu)
      .setFeatures(impl.host.features)
      .setOptions(impl.host.options)
      .setRelocationModel(Reloc::PIC_)
      .setCodeModel(CodeModel::Small)
      .setCodeGenOptLevel(kCodeGenOptLevel);
  auto jit = orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(std::move(jtmb))
                 .setProcessSymbolsJITDylibSetup(setUpProcessSymbols)
                 .create();
  if (!jit)
    return joinErrors(createStringError(inconvertibleErrorCode(), "cannot create the JIT"),
                      jit.takeError());
  impl.jit = std::move(*jit);
  impl.jit->getExecutionSession().setErrorReporter([&impl](Error e) {
    std::lock_guard<std::mutex> lock(impl.sessionErrorsMutex);
    if (!impl.sessionErrors.empty())
      impl.sessionErrors += "; ";
    impl.sessionErrors += toString(std::move(e));
  });

  impl.cacheDir = chooseCacheDirectory();
  return engine;
}

std::string JitEngine::Impl::keyOf(Module &module) const {
  std::string text;
  {
    raw_string_ostream os(text);
    module.print(os, nullptr);
  }
  SHA256 h;
  // Each part is followed by a separator byte so that no two different
  // tuples give the same byte string.
  for (StringRef part : {StringRef(text), StringRef(host.triple), StringRef(host.cpu),
                         StringRef(host.features), StringRef(kOptLevelName),
                         StringRef(NSC_VERSION_STRING), StringRef(LLVM_VERSION_STRING),
                         StringRef(kCacheFormatVersion)}) {
    h.update(part);
    h.update(StringRef("\0", 1));
  }
  return llvm::toHex(h.final(), /*LowerCase=*/true);
}

Error JitEngine::Impl::withSessionErrors(Error e) {
  std::string side;
  {
    std::lock_guard<std::mutex> lock(sessionErrorsMutex);
    side.swap(sessionErrors);
  }
  if (!e || side.empty())
    return e;
  return joinErrors(std::move(e), createStringError(inconvertibleErrorCode(), side));
}

Error JitEngine::Impl::loadObject(std::unique_ptr<MemoryBuffer> object) {
  orc::ExecutionSession &es = jit->getExecutionSession();
  auto iface = orc::getObjectFileInterface(es, object->getMemBufferRef());
  if (!iface)
    return iface.takeError();
  orc::SymbolLookupSet defined;
  for (auto &[name, flags] : iface->SymbolFlags)
    defined.add(name, orc::SymbolLookupFlags::WeaklyReferencedSymbol);

  orc::JITDylib &main = jit->getMainJITDylib();
  orc::ResourceTrackerSP tracker = main.createResourceTracker();
  if (Error e = jit->addObjectFile(tracker, std::move(object))) {
    cantFail(tracker->remove());
    return withSessionErrors(std::move(e));
  }
  if (!defined.empty()) {
    auto linked = es.lookup(orc::makeJITDylibSearchOrder(&main), std::move(defined));
    if (!linked) {
      Error removed = tracker->remove();
      return withSessionErrors(joinErrors(linked.takeError(), std::move(removed)));
    }
  }
  return Error::success();
}

Expected<CacheOutcome> JitEngine::addModule(std::unique_ptr<Module> module,
                                            std::unique_ptr<LLVMContext> context) {
  // The module must die before its context, whatever the order in which
  // the compiler destroys parameters.
  auto release = make_scope_exit([&] {
    module.reset();
    context.reset();
  });
  Impl &impl = *impl_;
  std::string key = impl.keyOf(*module);
  if (impl.loaded.count(key))
    return CacheOutcome::MemoryHit;

  SmallString<256> path;
  if (!impl.cacheDir.empty()) {
    path = impl.cacheDir;
    sys::path::append(path, key + ".o");
    auto file = MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (file) {
      if (auto object = verifiedObject(**file)) {
        auto copy = MemoryBuffer::getMemBufferCopy(*object, key + ".o");
        if (Error e = impl.loadObject(std::move(copy))) {
          // A damaged entry is recompiled below; the new object replaces it.
          consumeError(std::move(e));
        } else {
          impl.loaded.insert(key);
          return CacheOutcome::DiskHit;
        }
      }
    }
  }

  optimizeModule(*module, *impl.tm);
  SmallVector<char, 0> object;
  {
    raw_svector_ostream os(object);
    if (Error e = emitModule(*module, *impl.tm, OutputKind::Object, os))
      return e;
  }
  module.reset();
  context.reset();

  StringRef bytes(object.data(), object.size());
  if (!path.empty()) {
    std::array<uint8_t, 32> digest = sha256(bytes);
    std::string file(bytes);
    file.append(kTrailerMagic, sizeof(kTrailerMagic));
    file.append(reinterpret_cast<const char *>(digest.data()), digest.size());
    writeFileAtomically(path, file);
  }
  if (Error e = impl.loadObject(MemoryBuffer::getMemBufferCopy(bytes, key + ".o")))
    return joinErrors(createStringError(inconvertibleErrorCode(),
                                        "cannot load the compiled module into the JIT"),
                      std::move(e));
  impl.loaded.insert(key);
  return CacheOutcome::Compiled;
}

Expected<void *> JitEngine::lookup(StringRef name) {
  auto address = impl_->jit->lookup(name);
  if (!address)
    return joinErrors(createStringError(inconvertibleErrorCode(),
                                        "the JIT has no symbol '" + name.str() + "'"),
                      impl_->withSessionErrors(address.takeError()));
  return address->toPtr<void *>();
}

const std::string &JitEngine::cacheDirectory() const { return impl_->cacheDir; }

} // namespace nsc::cpu
