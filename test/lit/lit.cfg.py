# lit configuration for nsc's FileCheck tests.
import os
import lit.formats

config.name = "nsc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".nrn", ".nestml", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py"]
config.test_source_root = os.path.dirname(__file__)

site = lit_config.params.get("nsc_site_config")
if not site:
    lit_config.fatal("run through ctest, or pass --param nsc_site_config=BUILD/test/lit/lit.site.cfg.py")
exec(open(site).read())

# RUN lines call `nsc`, `FileCheck` and `not` by name: the build's tools
# directory and LLVM's come first on PATH.
llvm_bin = os.path.dirname(config.filecheck)
config.environment["PATH"] = os.pathsep.join(
    [config.nsc_tools_dir, llvm_bin, config.environment.get("PATH", os.environ.get("PATH", ""))])
config.substitutions.append(("%examples", os.path.join(config.nsc_source_dir, "examples")))
config.substitutions.append(("%python_env", config.python_env))
# Debian's interpreter, the one the nsc package is built for: it has NumPy
# (scripts that write or read .npy files: test/lit/loop).
config.substitutions.append(("%numpy_python", "/usr/bin/python3"))
config.substitutions.append(("%python", config.python))
config.environment["NSC_NO_COLOR"] = "1"
# Tests that cannot run instrumented (ASan reserves terabytes of address
# space, so `ulimit -v` stops it) say `UNSUPPORTED: sanitizer`.
if getattr(config, "nsc_sanitize", "OFF") in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("sanitizer")
# Distributed runs (docs/mpi.md): a build with MPI and an mpirun to start
# it; Open MPI refuses root (CI) unless told.
import shutil
if getattr(config, "nsc_mpi", "") in ("TRUE", "ON", "1") and shutil.which("mpirun"):
    config.available_features.add("mpi")
    for var in ("OMPI_ALLOW_RUN_AS_ROOT", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "OMPI_MCA_rmaps_base_oversubscribe"):
        config.environment[var] = "1"
