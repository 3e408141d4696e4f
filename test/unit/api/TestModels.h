//===- TestModels.h - Small sources for the embedding API tests -*- C++ -*-===//
#pragma once

namespace nsc::test {

/// A LIF neuron (subthreshold at I_e = 10 mV: it fires only when driven)
/// and a 50-neuron network driven by Poisson noise, with recurrent
/// excitation and a V_m recorder. Runs in milliseconds on either target.
inline const char *kSmallNetwork = R"(model lif:
    parameters:
        tau_m ms = 10 ms
        E_L mV = -65 mV
        V_th mV = -50 mV
        V_reset mV = -70 mV
        I_e mV = 10 mV
    state:
        V_m mV = -70 mV
        count integer = 0
    internals:
        # Depends on a parameter (set() must recompute it); used below, so
        # dead-code elimination keeps it.
        decay real = exp(-resolution() / tau_m)
    equations:
        V_m' = (E_L - V_m + I_e) / tau_m
    input:
        spikes mV <- spike
    output:
        spike
    update:
        integrate_odes()
    onReceive(spikes):
        V_m += spikes * decay
    onCondition(V_m > V_th):
        V_m = V_reset
        count += 1
        emit_spike()

semantics:
    dt = 0.1 ms
    seed = 7

network small:
    noise = poisson_generator[20](rate = 50 Hz)
    exc = lif[50](V_m = uniform(-70 mV, -55 mV))
    connect noise -> exc: fixed_probability(0.3), weight = 4 mV, delay = 1 ms, port = spikes
    connect exc -> exc: fixed_probability(0.1), weight = 0.5 mV, delay = 1.5 ms, port = spikes
    record spikes from exc
    record V_m from exc[0:3] every 1 ms as vtrace
)";

} // namespace nsc::test
