#!/usr/bin/python3
"""Layering check: which part of nsc may #include which (ctest layering.*).

Every .h/.cpp/.cu/.cuh file under a checked folder (support/, numerics/,
runtime/, ir/, frontend/, passes/, backends/, targets/) belongs to one layer,
found from its folder by the LAYERS table below (the longest matching folder
wins, so runtime/eval/ is `eval`, not `runtime`). Each of its #include lines
is resolved to the layer of the header it names:

  * a quoted include that exists relative to the including file ("Foo.h",
    "../parse/AstBuilder.h") is that file, and its layer comes from its folder;
  * "nsc/..." (quoted or <...>) is looked up among the public headers in the
    tree (every <layer folder>/.../include/nsc/...), and, for a header the
    tree does not have, by the include prefixes of the LAYERS table
    (nsc/ir/ -> ir, ...). nsc/loihi/ is split by file: the Loihi backend's
    Mapping.h, Placement.h and Run.h vs. the emulator's headers in
    runtime/loihi/;
  * a path that names a source folder ("ir/lib/Foo.h", "../../ir/lib/Foo.h")
    is classified by that folder even when the file does not exist;
  * any other quoted include ("nsc_cuda_launcher.h", "CudaCommand.h": found
    through a target's include directories) is looked up by file name among
    the tree's sources; when it is found, in no folder of the including
    layer, it has the layer of the folder(s) it is found in;
  * anything else (std, LLVM, fmt, antlr, generated headers) is external and
    not checked.

A file may include its own layer and the layers in its `may_include` entry.
It may never reach another layer's private headers: by a path, anything
outside that layer's include/ folders; by file name (an include directory),
anything in a lib/ folder. A header under nsc/<x>/
whose prefix no layer claims is an error too, so a new layer cannot slip in
without an entry. api/, tools/, test/, bench/ and examples/ are not checked
(may_include None): they may include anything, but nothing checked may
include them.

#include lines inside comments and string literals (raw strings included:
the Verilog backend writes Verilator harness sources that way) are not
directives and are skipped.

Usage:
  check_layering.py --root <nsc checkout>       # exit 1 and list violations
  check_layering.py --root <nsc checkout> --self-test
      # synthetic includes that must be rejected / accepted, then a copy of
      # the tree's sources with `#include "nsc/frontend/AST.h"` appended to
      # ir/lib/Type.cpp, which must fail naming that file.

Adding a layer is one entry in LAYERS (and its name in the may_include of the
layers allowed to use it).
"""

import argparse
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile

# ---------------------------------------------------------------------------
# The rules. One entry per layer:
#   dirs:        source folders (relative to the root) whose files belong to it
#   prefixes:    include prefixes of its public headers (used when the tree
#                does not have the header: fallback only)
#   headers:     single public headers claimed by file, overriding prefixes
#   may_include: layers it may include besides itself; None = not checked
# ---------------------------------------------------------------------------
COMPILER_FREE = ["runtime"]
BASE = ["support", "numerics", "runtime", "ir"]
BACKEND_MAY_INCLUDE = BASE + ["passes", "eval", "network", "loihi-runtime"]
BACKENDS = ["backend-interp", "backend-cpu", "backend-cuda", "backend-loihi",
            "backend-verilog"]

LAYERS = {
    # Source manager, diagnostics, units: the bottom, nothing of nsc.
    "support": dict(dirs=["support"], prefixes=["nsc/support/"],
                    may_include=[]),
    # Matrix exponential etc.
    "numerics": dict(dirs=["numerics"], prefixes=["nsc/numerics/"],
                     may_include=["support"]),
    # Runtime base library (Philox, connection builders, recording, hardware
    # reference models): compiler-free. (No nsc/hw header includes
    # nsc/ir/FixedPointCore.h today, so no exception for it.)
    "runtime": dict(dirs=["runtime"], prefixes=["nsc/runtime/", "nsc/hw/"],
                    may_include=[]),
    # The IR: types, expressions, models, networks, printer, verifier.
    "ir": dict(dirs=["ir"], prefixes=["nsc/ir/"], may_include=["support"]),
    # Parse, sema, lowering, CompilerSession: files -> verified IR. Passes are
    # run by tools/ and api/, not by the frontend (it includes none today).
    "frontend": dict(dirs=["frontend"], prefixes=["nsc/frontend/"],
                     may_include=["support", "ir"]),
    # IR -> IR passes; may use the compiler-free runtime base (connection
    # rules, schedules), never the evaluator, the engine or a backend.
    "passes": dict(dirs=["passes"], prefixes=["nsc/passes/"],
                   may_include=["support", "numerics", "ir"] + COMPILER_FREE),
    # The evaluator (ModelExecutor, FixedEval).
    "eval": dict(dirs=["runtime/eval"], prefixes=["nsc/eval/"],
                 may_include=["support", "numerics", "ir"] + COMPILER_FREE),
    # The network engine (Simulation, PopulationKernel).
    "network": dict(dirs=["runtime/network"], prefixes=["nsc/network/"],
                    may_include=["support", "numerics", "ir", "eval",
                                 "passes"] + COMPILER_FREE),
    # The Loihi emulator (CoreConfig.h, Emulator.h): no compiler dependency.
    "loihi-runtime": dict(dirs=["runtime/loihi"], prefixes=["nsc/loihi/"],
                          may_include=COMPILER_FREE),
    # The closed loop's stages (detection, AER, bitstreams, pulses): built
    # on the compiler-free runtime base only; the API's Session drives them.
    "loop": dict(dirs=["runtime/loop"], prefixes=["nsc/loop/"],
                 may_include=COMPILER_FREE),
    # The MPI communicator (the one user of mpi.h): the runtime base only;
    # the driver links it, the engine sees nsc/runtime/Communicator.h.
    "mpi": dict(dirs=["runtime/mpi"], prefixes=["nsc/mpi/"],
                may_include=COMPILER_FREE),
    # Backends: everything below them, never another backend, the frontend,
    # targets/, tools/ or api/.
    "backend-interp": dict(dirs=["backends/interp"], prefixes=["nsc/interp/"],
                           may_include=BACKEND_MAY_INCLUDE),
    "backend-cpu": dict(dirs=["backends/cpu"], prefixes=["nsc/cpu/"],
                        may_include=BACKEND_MAY_INCLUDE),
    "backend-cuda": dict(dirs=["backends/cuda"], prefixes=["nsc/cuda/"],
                         may_include=BACKEND_MAY_INCLUDE),
    # Its public headers share nsc/loihi/ with the emulator: claimed by file.
    "backend-loihi": dict(dirs=["backends/loihi"], prefixes=[],
                          headers=["nsc/loihi/Mapping.h",
                                   "nsc/loihi/Placement.h",
                                   "nsc/loihi/Run.h"],
                          may_include=BACKEND_MAY_INCLUDE),
    "backend-verilog": dict(dirs=["backends/verilog"],
                            prefixes=["nsc/verilog/"],
                            may_include=BACKEND_MAY_INCLUDE),
    # Target descriptions: everything except tools/ and api/.
    "targets": dict(dirs=["targets"], prefixes=["nsc/targets/"],
                    may_include=BACKEND_MAY_INCLUDE + ["frontend"] + BACKENDS),
    # Not checked (they may include anything); listed so that their headers
    # have a layer when a checked file includes them.
    "api": dict(dirs=["api"], prefixes=[],
                headers=["nsc/nsc.h", "nsc/Compiler.h", "nsc/Error.h",
                         "nsc/Export.h", "nsc/Model.h", "nsc/Simulation.h",
                         "nsc/Session.h", "nsc/Target.h"],
                may_include=None),
    "tools": dict(dirs=["tools"], prefixes=[], may_include=None),
    "test": dict(dirs=["test"], prefixes=[], may_include=None),
    "bench": dict(dirs=["bench"], prefixes=[], may_include=None),
    "examples": dict(dirs=["examples"], prefixes=[], may_include=None),
}

SOURCE_EXTS = (".h", ".cpp", ".cu", ".cuh")
# A layer's public headers live in include/ folders; anything else is private.
PUBLIC_DIR = "include"

# ---------------------------------------------------------------------------


def layer_of_path(rel):
    """Layer owning a root-relative posix path, by longest folder prefix."""
    best, best_len = None, -1
    for name, spec in LAYERS.items():
        for d in spec["dirs"]:
            if (rel == d or rel.startswith(d + "/")) and len(d) > best_len:
                best, best_len = name, len(d)
    return best


def is_public_path(rel, layer):
    """True when rel sits in one of its layer's include/ folders."""
    for d in LAYERS[layer]["dirs"]:
        if rel.startswith(d + "/"):
            parts = rel[len(d) + 1:].split("/")
            # The layer's own include/ (not a nested layer's: longest prefix
            # already picked the owning layer).
            return PUBLIC_DIR in parts[:-1]
    return False


def layer_of_header_by_table(inc):
    """Layer of "nsc/..." by the table's headers/prefixes; None if unclaimed."""
    for name, spec in LAYERS.items():
        if inc in spec.get("headers", []):
            return name
    best, best_len = None, -1
    for name, spec in LAYERS.items():
        for p in spec["prefixes"]:
            hit = inc == p if not p.endswith("/") else inc.startswith(p)
            if hit and len(p) > best_len:
                best, best_len = name, len(p)
    return best


def check_table():
    """The table must name only known layers (a typo would allow nothing)."""
    for name, spec in LAYERS.items():
        for dep in spec["may_include"] or []:
            if dep not in LAYERS:
                raise SystemExit("check_layering.py: layer %r may_include "
                                 "unknown layer %r" % (name, dep))


# --- Scanning #include directives --------------------------------------------

INCLUDE_RE = re.compile(r'\s*#\s*include\s*(?:"([^"\n]+)"|<([^>\n]+)>)')
IDENT_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789_")
HEX_CHARS = set("0123456789abcdefABCDEF")


def directive_lines(text):
    """1-based numbers of the lines that start outside any comment or string
    literal (the only lines that can hold a preprocessor directive)."""
    starts = {1}
    line, i, n = 1, 0, len(text)
    state = None           # None, 'block', 'raw'
    raw_end = ""
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            if state is None:
                starts.add(line)
            i += 1
            continue
        if state == "block":
            if text.startswith("*/", i):
                state, i = None, i + 2
            else:
                i += 1
            continue
        if state == "raw":
            if text.startswith(raw_end, i):
                state, i = None, i + len(raw_end)
            else:
                i += 1
            continue
        if text.startswith("//", i):
            # To the end of the line; a trailing backslash continues it.
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    line += 1
                    i += 2
                    continue
                i += 1
            continue
        if text.startswith("/*", i):
            state, i = "block", i + 2
            continue
        if c == '"':
            prev = text[i - 1] if i > 0 else ""
            if prev == "R":
                prefix_start = i - 1
                j = prefix_start
                while j > 0 and text[j - 1] in IDENT_CHARS:
                    j -= 1
                if text[j:prefix_start] in ("", "u8", "u", "U", "L"):
                    k = text.find("(", i + 1)
                    if k != -1 and k - i - 1 <= 16:
                        raw_end = ")" + text[i + 1:k] + '"'
                        state, i = "raw", k + 1
                        continue
            i = skip_quoted(text, i, '"')
            continue
        if c == "'":
            prev = text[i - 1] if i > 0 else ""
            if prev in HEX_CHARS:   # digit separator: 1'000'000, 0xFF'FF
                i += 1
                continue
            i = skip_quoted(text, i, "'")
            continue
        i += 1
    return starts


def skip_quoted(text, i, quote):
    """Index after the literal opened at text[i]; stops at an unescaped
    newline so that a stray quote cannot hide the rest of the file."""
    i += 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == quote:
            return i + 1
        if c == "\n":
            return i
        i += 1
    return i


def includes_of(text):
    """(line, header, quoted) for each #include directive of text."""
    ok = directive_lines(text)
    out = []
    for no, src in enumerate(text.split("\n"), 1):
        if no not in ok:
            continue
        m = INCLUDE_RE.match(src)
        if m:
            if m.group(1) is not None:
                out.append((no, m.group(1), True))
            else:
                out.append((no, m.group(2), False))
    return out


# --- Resolving and checking ---------------------------------------------------

class Tree:
    """Root-relative posix paths of the tree's sources (plus overlaid ones),
    and the public header map nsc/... -> path."""

    def __init__(self, files):
        self.files = set(files)
        self.public = {}
        self.by_name = {}
        for f in self.files:
            self.by_name.setdefault(posixpath.basename(f), []).append(f)
            layer = layer_of_path(f)
            if layer is None or not is_public_path(f, layer):
                continue
            parts = f.split("/")
            idx = len(parts) - 1 - parts[::-1].index(PUBLIC_DIR)
            rel = "/".join(parts[idx + 1:])
            if rel.startswith("nsc/"):
                self.public.setdefault(rel, f)


def resolve(tree, includer, inc, quoted):
    """(layer, private_path or None, description) of an include, or None
    when it is external. private_path is set when the header is a private
    (non-include/) file reached by path."""
    inc_n = posixpath.normpath(inc)
    if quoted:
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(includer),
                                                inc))
        if rel in tree.files:
            return by_location(rel)
    if inc_n.startswith("nsc/"):
        if inc_n in tree.public:
            return by_location(tree.public[inc_n])
        layer = layer_of_header_by_table(inc_n)
        if layer is None:
            return ("unknown", None, "no layer claims this nsc/ header; "
                    "add it to LAYERS in test/layering/check_layering.py")
        return (layer, None, layer)
    # A path into a source folder, existing or not: root-relative, or
    # relative to the including file when it climbs with "..".
    candidates = []
    if not inc_n.startswith(".."):
        candidates.append(inc_n)
    if quoted and ".." in inc.split("/"):
        candidates.append(posixpath.normpath(
            posixpath.join(posixpath.dirname(includer), inc)))
    for rel in candidates:
        if rel.startswith("../") or "/" not in rel:
            continue
        top = rel.split("/")[0]
        if any(d.split("/")[0] == top
               for spec in LAYERS.values() for d in spec["dirs"]):
            if layer_of_path(rel) is not None:
                return by_location(rel)
    if quoted and not inc_n.startswith("../"):
        return by_name(tree, includer, inc_n)
    return None


def by_name(tree, includer, inc):
    """A quoted include found through an include directory: the layer of
    the tree's files whose path ends with it (None when there is none, or
    when one is in the includer's layer or in a layer it may include)."""
    own = layer_of_path(includer)
    hits = [f for f in tree.by_name.get(posixpath.basename(inc), [])
            if f == inc or f.endswith("/" + inc)]
    if not hits:
        return None
    allowed = LAYERS[own]["may_include"] or []
    for f in hits:
        layer = layer_of_path(f)
        if layer == own:
            return None
        if layer in allowed and not in_lib(f, layer):
            return None
    f = hits[0]
    layer = layer_of_path(f)
    if layer is None:
        return ("unknown", None, "outside every layer: " + f)
    if in_lib(f, layer):
        return (layer, f, "%s, private: %s" % (layer, f))
    return (layer, None, "%s: %s" % (layer, f))


def in_lib(rel, layer):
    """True when rel is in a lib/ folder of its layer."""
    for d in LAYERS[layer]["dirs"]:
        if rel.startswith(d + "/"):
            return "lib" in rel[len(d) + 1:].split("/")[:-1]
    return False


def by_location(rel):
    layer = layer_of_path(rel)
    if layer is None:
        return ("unknown", None, "outside every layer: " + rel)
    if is_public_path(rel, layer):
        return (layer, None, layer)
    return (layer, rel, "%s, private: %s" % (layer, rel))


def check_file(tree, rel, text):
    """Violation messages of one file (empty when it may include all it
    does, or when its layer is not checked)."""
    layer = layer_of_path(rel)
    if layer is None:
        return ['%s:1: error: file is in no layer; add its folder to LAYERS '
                'in test/layering/check_layering.py' % rel]
    allowed = LAYERS[layer]["may_include"]
    if allowed is None:
        return []
    out = []
    for line, inc, quoted in includes_of(text):
        r = resolve(tree, rel, inc, quoted)
        if r is None:
            continue
        target, private, desc = r
        bad = target == "unknown"
        if not bad and target != layer:
            bad = target not in allowed or private is not None
        if bad:
            out.append('%s:%d: error: %s may not include "%s" (%s)'
                       % (rel, line, layer, inc, desc))
    return out


def checked_top_dirs():
    return sorted({d.split("/")[0] for name, spec in LAYERS.items()
                   for d in spec["dirs"]})


def walk_sources(root):
    """Root-relative posix paths of every source file under the layers'
    folders (hidden folders and build folders skipped)."""
    out = []
    for top in checked_top_dirs():
        base = os.path.join(root, top)
        if not os.path.isdir(base):
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            # Skip hidden folders, lit's Output/ folders and build folders.
            dirnames[:] = sorted(
                d for d in dirnames
                if not d.startswith(".") and d != "Output"
                and not os.path.exists(os.path.join(dirpath, d,
                                                    "CMakeCache.txt")))
            for f in sorted(filenames):
                if f.endswith(SOURCE_EXTS):
                    rel = os.path.relpath(os.path.join(dirpath, f), root)
                    out.append(rel.replace(os.sep, "/"))
    return out


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8",
              errors="replace") as fh:
        return fh.read()


def run_check(root):
    check_table()
    files = walk_sources(root)
    tree = Tree(files)
    errors = []
    checked = 0
    for rel in files:
        layer = layer_of_path(rel)
        if layer is not None and LAYERS[layer]["may_include"] is None:
            continue
        checked += 1
        errors.extend(check_file(tree, rel, read(root, rel)))
    for e in errors:
        print(e)
    if errors:
        print("layering: %d violation(s) in %d checked files under %s"
              % (len(errors), checked, root))
        return 1
    print("layering: OK, %d files in %d layers checked, no forbidden include"
          % (checked, sum(1 for s in LAYERS.values()
                          if s["may_include"] is not None)))
    return 0


# --- Self-test ------------------------------------------------------------------

# (including file, text, must be accepted?[, files that exist]). Checked
# against the real tree's file list with those files overlaid, and against a
# tree of those files only (the table's prefixes alone).
SYNTHETIC = [
    # Must be rejected.
    ("ir/lib/X.cpp", '#include "nsc/frontend/AST.h"', False),
    ("ir/include/nsc/ir/X.h", '#include "nsc/passes/Pass.h"', False),
    ("ir/lib/X.cpp", '#include "nsc/runtime/Philox.h"', False),
    ("runtime/network/lib/X.cpp", '#include "nsc/cpu/CpuBackend.h"', False),
    ("runtime/network/lib/X.cpp", '#include "nsc/frontend/Parser.h"', False),
    ("backends/cuda/lib/X.cpp", '#include "nsc/interp/Interpreter.h"', False),
    ("backends/cpu/lib/X.cpp", '#include "nsc/verilog/VerilogBackend.h"',
     False),
    ("backends/verilog/lib/X.cpp", '#include "nsc/loihi/Mapping.h"', False),
    ("backends/interp/lib/X.cpp", '#include "nsc/frontend/AST.h"', False),
    ("backends/cpu/lib/X.cpp", '#include "nsc/nsc.h"', False),
    ("passes/lib/X.cpp", '#include "nsc/network/Simulation.h"', False),
    ("passes/lib/X.cpp", '#include "nsc/eval/ModelExecutor.h"', False),
    ("passes/lib/X.cpp", '#include "nsc/loihi/Emulator.h"', False),
    ("passes/lib/X.cpp", '#include "../../ir/lib/Private.h"', False),
    ("passes/lib/X.cpp", '#include "ir/lib/Private.h"', False),
    ("support/lib/X.cpp", '#include "nsc/ir/IR.h"', False),
    ("support/lib/X.cpp", '#include <nsc/ir/IR.h>', False),
    ("support/lib/X.cpp", '  #  include "nsc/numerics/MatrixExponential.h"',
     False),
    ("numerics/lib/X.cpp", '#include "nsc/ir/IR.h"', False),
    ("runtime/lib/X.cpp", '#include "nsc/ir/FixedPointCore.h"', False),
    ("runtime/include/nsc/hw/X.h", '#include "nsc/support/Units.h"', False),
    ("runtime/loihi/lib/X.cpp", '#include "nsc/loihi/Mapping.h"', False),
    ("runtime/loihi/lib/X.cpp", '#include "nsc/ir/IR.h"', False),
    ("runtime/eval/lib/X.cpp", '#include "nsc/network/Simulation.h"', False),
    ("runtime/eval/lib/X.cpp", '#include "nsc/targets/Target.h"', False),
    ("frontend/sema/X.cpp", '#include "nsc/cpu/CpuBackend.h"', False),
    ("frontend/sema/X.cpp", '#include "nsc/passes/Pass.h"', False),
    ("targets/lib/X.cpp", '#include "nsc/nsc.h"', False),
    ("ir/lib/X.cpp", '#include "nsc/unknownlayer/Foo.h"', False),
    ("backends/fpga/lib/X.cpp", '#include "nsc/ir/IR.h"', False),
    # Found through an include directory, by file name.
    ("targets/lib/X.cpp", '#include "SomeCommand.h"', False,
     ["tools/nsc/SomeCommand.h"]),
    ("targets/lib/X.cpp", '#include "SomeJit.h"', False,
     ["backends/cpu/lib/SomeJit.h"]),
    ("runtime/network/lib/X.cpp", '#include "some_launcher.h"', False,
     ["backends/cuda/host/some_launcher.h"]),
    ("passes/lib/X.cpp", '#include "SomeEngine.h"', False,
     ["runtime/network/lib/SomeEngine.h"]),
    # Must be accepted.
    ("ir/lib/X.cpp", '#include "nsc/ir/IR.h"', True),
    ("ir/lib/X.cpp", '#include "nsc/support/Diagnostics.h"', True),
    ("ir/lib/X.cpp", "#include <vector>", True),
    ("ir/lib/X.cpp", '// #include "nsc/frontend/AST.h"', True),
    ("ir/lib/X.cpp", '/*\n#include "nsc/frontend/AST.h"\n*/', True),
    ("ir/lib/X.cpp",
     'const char *s = R"cpp(\n#include "nsc/frontend/AST.h"\n)cpp";', True),
    ("ir/lib/X.cpp", 'int x = 1\'000; char q = \'"\';\n#include "nsc/ir/IR.h"',
     True),
    ("passes/lib/X.cpp", '#include "nsc/runtime/Connectivity.h"', True),
    ("passes/lib/X.cpp", '#include "nsc/numerics/MatrixExponential.h"', True),
    ("runtime/network/lib/X.cpp", '#include "nsc/passes/PassManager.h"', True),
    ("runtime/network/lib/X.cpp", '#include "nsc/eval/ModelExecutor.h"', True),
    ("runtime/network/lib/X.cpp", '#include "nsc/hw/Homeostat.h"', True),
    ("runtime/loihi/lib/X.cpp", '#include "nsc/loihi/CoreConfig.h"', True),
    ("runtime/loihi/lib/X.cpp", '#include "nsc/runtime/Random.h"', True),
    ("runtime/include/nsc/hw/X.h", '#include "nsc/runtime/Philox.h"', True),
    ("backends/loihi/lib/X.cpp", '#include "nsc/loihi/Emulator.h"', True),
    ("backends/loihi/lib/X.cpp", '#include "nsc/loihi/Run.h"', True),
    ("backends/loihi/lib/X.cpp", '#include "nsc/network/NetworkValue.h"', True),
    ("backends/cuda/lib/X.cpp", '#include "nsc/cuda/CudaBackend.h"', True),
    ("backends/verilog/lib/X.cpp", '#include "nsc/hw/FixedProgram.h"', True),
    ("frontend/sema/X.cpp", '#include "../parse/Private.h"', True),
    ("frontend/sema/X.cpp", '#include "nsc/ir/Type.h"', True),
    ("targets/lib/X.cpp", '#include "nsc/cpu/CpuBackend.h"', True),
    ("targets/lib/X.cpp", '#include "nsc/frontend/CompilerSession.h"', True),
    ("tools/nsc/X.cpp", '#include "nsc/frontend/AST.h"', True),
    ("api/lib/X.cpp", '#include "nsc/cpu/CpuBackend.h"', True),
    ("test/unit/X.cpp", '#include "../../backends/cpu/lib/Jit.h"', True),
    ("targets/lib/X.cpp", '#include "some_launcher.h"', True,
     ["backends/cuda/host/some_launcher.h"]),
    ("backends/verilog/harness/X.cpp", '#include "SomeCoreModel.h"', True,
     ["runtime/include/nsc/hw/SomeCoreModel.h"]),
    ("runtime/network/lib/X.cpp", '#include "SomeEngine.h"', True,
     ["runtime/network/lib/SomeEngine.h", "backends/cpu/lib/SomeEngine.h"]),
    ("frontend/parse/X.cpp", '#include "GeneratedLexer.h"', True),
]


def self_test_synthetic(root):
    failures = []
    trees = [("table only", [])]
    if root:
        trees.append(("tree " + root, walk_sources(root)))
    for tree_name, files in trees:
        for case in SYNTHETIC:
            includer, text, accept = case[:3]
            extra = list(case[3]) if len(case) > 3 else []
            tree = Tree(files + [includer] + extra)
            errs = check_file(tree, includer, text + "\n")
            if accept == bool(errs):
                failures.append("self-test (%s): %s with %r should be %s; "
                                "got %s" % (tree_name, includer, text,
                                            "accepted" if accept
                                            else "rejected",
                                            errs or "no error"))
    return failures


def copy_sources(root, dest):
    for rel in walk_sources(root):
        os.makedirs(os.path.join(dest, os.path.dirname(rel)), exist_ok=True)
        shutil.copyfile(os.path.join(root, rel), os.path.join(dest, rel))


def run_on(root):
    p = subprocess.run([sys.executable, os.path.abspath(__file__),
                        "--root", root], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    errs = {l for l in p.stdout.splitlines() if ": error: " in l}
    return p.returncode, errs, p.stdout


def self_test_injected(root):
    """Copy the sources, append a forbidden include to ir/lib/Type.cpp, and
    require the checker to fail on it, naming that file and line."""
    victim = "ir/lib/Type.cpp"
    if not os.path.isfile(os.path.join(root, victim)):
        return ["self-test: %s not found under %s" % (victim, root)]
    failures = []
    with tempfile.TemporaryDirectory(prefix="nsc-layering-") as tmp:
        copy_sources(root, tmp)
        rc0, before, _ = run_on(tmp)
        path = os.path.join(tmp, victim)
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        if not text.endswith("\n"):
            text += "\n"
        line = text.count("\n") + 1
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text + '#include "nsc/frontend/AST.h"\n')
        rc1, after, out = run_on(tmp)
        want = ('%s:%d: error: ir may not include "nsc/frontend/AST.h" '
                '(frontend)' % (victim, line))
        if rc1 != 1:
            failures.append("self-test: injected include: exit %d, want 1\n%s"
                            % (rc1, out))
        if after - before != {want}:
            failures.append("self-test: injected include: new errors %s, "
                            "want exactly [%s]\n%s"
                            % (sorted(after - before), want, out))
        if rc0 not in (0, 1):
            failures.append("self-test: checker crashed on the copy (exit "
                            "%d)" % rc0)
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.normpath(
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")),
        help="nsc source tree (default: this checkout)")
    ap.add_argument("--self-test", action="store_true",
                    help="check the checker: synthetic includes and an "
                         "injected violation in a copy of the tree")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    if not os.path.isdir(root):
        print("check_layering.py: no such folder: %s" % root)
        return 2
    if not args.self_test:
        return run_check(root)
    check_table()
    failures = self_test_synthetic(root)
    failures += self_test_injected(root)
    for f in failures:
        print(f)
    if failures:
        print("layering self-test: %d failure(s)" % len(failures))
        return 1
    print("layering self-test: OK (%d synthetic includes x 2 trees, injected "
          "include in a copy rejected)" % len(SYNTHETIC))
    return 0


if __name__ == "__main__":
    sys.exit(main())
