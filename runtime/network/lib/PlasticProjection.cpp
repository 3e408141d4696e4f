//===- PlasticProjection.cpp - Synapses driven by a synapse model ---------===//
#include "PlasticProjection.h"

#include "ModelSynapses.h"

namespace nsc::network {

std::unique_ptr<PlasticProjection> buildPlasticProjection(const ir::Module &module, const ir::Network &net,
                                                          const ir::Projection &pr, uint32_t index,
                                                          runtime::SynapseList &list,
                                                          const runtime::ConnectionSpec &spec, double dtMs,
                                                          std::string &error) {
  auto p = std::make_unique<ModelSynapses>();
  if (!p->build(module, net, pr, index, list, spec, dtMs, error))
    return nullptr;
  return p;
}

} // namespace nsc::network
