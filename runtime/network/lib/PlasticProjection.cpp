//===- PlasticProjection.cpp - Synapses driven by a synapse model ---------===//
#include "PlasticProjection.h"

namespace nsc::network {

std::unique_ptr<PlasticProjection> buildPlasticProjection(const ir::Module &, const ir::Network &,
                                                          const ir::Projection &pr, uint32_t,
                                                          runtime::SynapseList &, const runtime::ConnectionSpec &,
                                                          double, std::string &error) {
  error = "plastic synapses ('" + pr.synapseName + "') cannot run yet; use a static synapse";
  return nullptr;
}

} // namespace nsc::network
