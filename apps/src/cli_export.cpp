// spikepipe export --nir FILE: writes the network (preset, YAML, NIR or a chained SCALE-Sim
// topology) as a NIR graph (workloads/nir.h), so that other SNN tools can read our networks and a
// round trip through NIR can be checked.
#include <iostream>

#include "spikepipe/cli/cli.h"
#include "spikepipe/cli/options.h"
#include "spikepipe/core/error.h"
#include "spikepipe/workloads/nir.h"

namespace spikepipe::cli {

int export_network(const Args& args) {
  po::options_description desc;
  desc.add(network_options());
  po::options_description own("Export");
  own.add_options()("nir", po::value<std::string>(), "write the network as NIR (HDF5) to this file");
  desc.add(own);
  const auto vm = parse(args, desc, "export --network NAME|FILE --nir OUT.nir");
  if (!vm) return 0;
  if (!vm->count("nir")) fail("export", "no output format given", "--nir OUT.nir");
  const Network net = network_from(*vm);
  NirOptions o;
  o.dt = (*vm)["nir-dt"].as<double>();
  const std::string out = (*vm)["nir"].as<std::string>();
  export_nir(net, out, o);
  std::cout << "wrote " << out << ": " << net.name << ", " << net.layers.size()
            << " layers, NIR 1.0\n";
  return 0;
}

}  // namespace spikepipe::cli
