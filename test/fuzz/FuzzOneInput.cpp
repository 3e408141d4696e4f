//===- FuzzOneInput.cpp - libFuzzer entry: bytes through the front end ----===//
//
// Runs arbitrary bytes through everything `nsc --emit=ir` does in-process:
// parse (with imports resolved on disk, as the driver does), sema, lowering,
// the IR verifier, then the AST/IR printers and the JSON dump, and formats
// every diagnostic. Any crash, sanitizer report, hang or leak is a bug: bad
// input must only ever produce diagnostics.
//
//===----------------------------------------------------------------------===//
#include "nsc/frontend/ASTPrinter.h"
#include "nsc/frontend/CompilerSession.h"
#include "nsc/frontend/Parser.h"
#include "nsc/ir/JSON.h"
#include "nsc/ir/Printer.h"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Very large inputs only slow the search down; the grammar is line based.
  if (size > 64 * 1024)
    return 0;
  std::string text(reinterpret_cast<const char *>(data), size);

  // The token dump has its own code path (the INDENT/DEDENT layer alone).
  {
    nsc::SourceManager sm;
    nsc::DiagnosticEngine diags(sm);
    nsc::FileId f = sm.addBuffer("fuzz/input.nrn", text);
    std::ostringstream os;
    nsc::dumpTokens(sm, diags, f, os);
    diags.flush(os);
  }

  nsc::CompilerSession session;
  session.diagnostics().setErrorLimit(50);
  session.addInputBuffer("fuzz/input.nrn", text);
  std::ostringstream os;
  if (session.parse())
    nsc::printAST(session.program(), os);
  if (session.lower() && session.module()) {
    os << nsc::ir::printModuleToString(*session.module());
    os << nsc::ir::moduleToJSON(*session.module()).dump(2);
  }
  session.diagnostics().flush(os);
  return 0;
}
