//===- AstBuilderHardware.cpp - `homeostasis/aer/detector for` blocks ------===//
//
// The block word is an ordinary name in the grammar (so `aer` stays usable
// as a variable name); only `homeostasis`, `aer` and `detector` make a block.
//
//===----------------------------------------------------------------------===//
#include "AstBuilder.h"
#include "nsc/support/Suggest.h"

using namespace nsc::ast;

namespace nsc::parse {

std::unique_ptr<HardwareBlock> AstBuilder::hardware(NscParser::HardwareBlockContext *ctx) {
  auto b = std::make_unique<HardwareBlock>();
  b->range = range(ctx);
  std::string word = text(ctx->kind);
  b->kindRange = range(ctx->kind);
  if (word == "homeostasis") {
    b->blockKind = HardwareBlock::BlockKind::Homeostasis;
  } else if (word == "aer") {
    b->blockKind = HardwareBlock::BlockKind::Aer;
  } else if (word == "detector") {
    b->blockKind = HardwareBlock::BlockKind::Detector;
  } else {
    error(b->kindRange, "unknown network block '" + word + "'" +
                            didYouMean(word, {"homeostasis", "aer", "detector"}) + "; expected 'homeostasis for POP:', 'aer for POP:' or 'detector for POP:'");
    return nullptr;
  }
  // name(0) is the block word; the populations follow `for`.
  for (size_t i = 1; i < ctx->name().size(); ++i) {
    b->populations.push_back(text(ctx->name(i)));
    b->populationRanges.push_back(range(ctx->name(i)));
  }
  for (auto *s : ctx->setting()) {
    Setting st;
    st.key = text(s->name());
    st.keyRange = range(s->name());
    st.value = expr(s->expr());
    b->settings.push_back(std::move(st));
  }
  return b;
}

} // namespace nsc::parse
