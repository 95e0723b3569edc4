// `spikepipe layers`: the per-task cost report, laid out like SCALE-Sim's COMPUTE_REPORT so that
// an architect can check our fold model against theirs row by row.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "spikepipe/core/text.h"
#include "spikepipe/cli/cli.h"
#include "spikepipe/cli/options.h"
#include "spikepipe/core/error.h"
#include "spikepipe/workloads/energy.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe::cli {
namespace {

const std::vector<std::string> kColumns = {
    "layer", "task", "M", "N", "K", "folds", "array_cycles", "vector_cycles", "total_cycles",
    "MACs", "util_%", "bytes_in", "bytes_out",
    // SCALE-Sim's SRAM access counts (elements) and our bytes, array and vector unit together.
    "ifmap_reads", "filter_reads", "ofmap_writes", "sram_read_bytes", "sram_write_bytes",
    // docs/ENERGY.md: spike-driven accumulates and the task's energy (array, vector unit, SRAM).
    "SynOps", "energy_nJ"};

struct Row {
  std::string layer, task;
  GemmShape gemm;
  uint64_t folds = 0, macs = 0;
  Cycles array = 0, vector = 0;
  uint64_t bytes_in = 0, bytes_out = 0;
  Cycles dense = 0;  // array cycles without zero skipping: utilisation is PE use while running
  uint64_t ifmap_reads = 0, filter_reads = 0, ofmap_writes = 0;  // elements
  uint64_t sram_read = 0, sram_write = 0;                        // bytes
  double synops = 0, energy_pj = 0;
};

// The energy table and the SRAM size it is priced at (the built-in processor's: `layers` reads
// only the array keys of a platform).
struct Pricing {
  EnergyTable table;
  ArrayParams array;
  uint64_t sram_bytes = ProcessorParams{}.sram_bytes;
};

Row row_of(const std::string& layer, const Task& t, bool with_vector, uint64_t bytes_in,
           uint64_t bytes_out, const Pricing& pr) {
  Row r;
  TaskActions x = task_actions(t, pr.array);
  if (!with_vector) {  // the GEMM alone
    x.vector_ops = 0;
    x.sram_read_bytes -= static_cast<double>(t.vector_read_bytes);
    x.sram_write_bytes -= static_cast<double>(t.vector_write_bytes);
  }
  r.synops = x.acs;
  r.energy_pj = task_energy(x, pr.table, pr.sram_bytes).total_pj();
  r.layer = layer;
  r.task = t.name;
  r.gemm = t.gemm;
  r.folds = t.gemm_cost.folds;
  r.macs = t.gemm_cost.macs;
  r.array = t.array_cycles;
  r.vector = with_vector ? t.vector_cycles : 0;
  r.bytes_in = bytes_in;
  r.bytes_out = bytes_out;
  r.dense = t.gemm_cost.folds * t.gemm_cost.cycles_per_fold;
  r.ifmap_reads = t.gemm_cost.ifmap_reads;
  r.filter_reads = t.gemm_cost.filter_reads;
  r.ofmap_writes = t.gemm_cost.ofmap_writes;
  r.sram_read = with_vector ? t.sram_read_bytes() : t.array_read_bytes;
  r.sram_write = with_vector ? t.sram_write_bytes() : t.array_write_bytes;
  return r;
}

std::string percent(uint64_t macs, Cycles cycles, const ArrayParams& a) {
  if (cycles == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", 100.0 * double(macs) / (double(cycles) * a.rows * a.cols));
  return buf;
}

std::vector<std::string> cells(const Row& r, const ArrayParams& a) {
  auto n = [](uint64_t v) { return std::to_string(v); };
  char nj[48];
  std::snprintf(nj, sizeof nj, "%.1f", r.energy_pj / 1000.0);
  const bool g = !r.gemm.empty();
  const bool acc = g || r.ifmap_reads || r.filter_reads || r.ofmap_writes;  // GEMM row or total
  return {r.layer,
          r.task,
          g ? n(r.gemm.M) : "-",
          g ? n(r.gemm.N) : "-",
          g ? n(r.gemm.K) : "-",
          n(r.folds),
          n(r.array),
          n(r.vector),
          n(r.array + r.vector),
          n(r.macs),
          percent(r.macs, r.dense, a),
          n(r.bytes_in),
          n(r.bytes_out),
          acc ? n(r.ifmap_reads) : "-",
          acc ? n(r.filter_reads) : "-",
          acc ? n(r.ofmap_writes) : "-",
          n(r.sram_read),
          n(r.sram_write),
          n(static_cast<uint64_t>(std::llround(r.synops))),
          nj};
}

// Training mode: every task of one iteration, as the schedulers see them. F1's bytes in add the
// mini-batch of input spikes it reads from DRAM (not an edge of the graph).
// A recurrent layer's product with its recurrent weights gets a row of its own ("F2.rec"),
// listed under its task, whose row then shows the rest.
std::vector<Row> task_rows(const Network& net, const TaskGraph& g, const Pricing& pr) {
  std::vector<Row> rows;
  for (const Task& t : g.tasks) {
    const bool reads_input = t.kind == TaskKind::F && t.layer == 0;
    rows.push_back(row_of(net.layers[t.layer].name, t, true,
                          t.bytes_in + (reads_input ? g.input_bytes : 0), t.bytes_out, pr));
    if (t.rec_cost.macs == 0) continue;
    Row& main = rows.back();
    main.array -= t.rec_cost.cycles;
    main.sram_read -= t.rec_read_bytes;
    main.sram_write -= t.rec_write_bytes;
    Row r;
    r.layer = main.layer;
    r.task = t.name + ".rec";
    r.gemm = t.rec_gemm;
    r.folds = t.rec_cost.folds;
    r.macs = t.rec_cost.macs;
    r.array = t.rec_cost.cycles;
    r.dense = t.rec_cost.folds * t.rec_cost.cycles_per_fold;
    r.ifmap_reads = t.rec_cost.ifmap_reads;
    r.filter_reads = t.rec_cost.filter_reads;
    r.ofmap_writes = t.rec_cost.ofmap_writes;
    r.sram_read = t.rec_read_bytes;
    r.sram_write = t.rec_write_bytes;
    rows.push_back(r);
  }
  return rows;
}

// The layers as imported (NIR files carry their own neurons and recurrent layers): shapes,
// neuron and its parameters, so that the mapping of docs/NETWORK_FORMAT.md can be checked.
void print_layer_shapes(const Network& net) {
  auto dims = [](uint64_t h, uint64_t w, uint64_t c) {
    return std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c);
  };
  // Exporters store neuron parameters as float32 (snnTorch's beta 0.9 arrives as
  // 0.899999976...): seven significant digits are all such a value holds.
  auto param = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.7g", v);
    return std::string(buf);
  };
  std::vector<std::vector<std::string>> t{
      {"layer", "kind", "input HxWxC", "kernel", "stride", "pad", "pool", "output HxWxC",
       "weights", "neuron", "lambda", "c", "theta", "recurrent"}};
  for (const Layer& L : net.layers) {
    const bool own = !L.neuron.model.empty();
    const NeuronParams& p = own ? L.neuron.params : net.neuron;
    const bool conv = L.kind == LayerKind::Conv;
    t.push_back({L.name, to_string(L.kind), dims(L.in_h, L.in_w, L.in_c),
                 conv ? std::to_string(L.kernel_h) + "x" + std::to_string(L.kernel_w) : "-",
                 conv ? std::to_string(L.stride) : "-", conv ? std::to_string(L.pad) : "-",
                 L.pool > 1 ? std::to_string(L.pool) : "-", dims(L.out_h(), L.out_w(), L.out_c),
                 std::to_string(L.weights()),
                 (own ? L.neuron.model : std::string("-")) + (L.neuron.per_neuron ? " (means)" : ""),
                 param(p.lambda), param(p.c), own && !L.neuron.spiking ? "-" : param(p.theta),
                 L.recurrent ? std::to_string(L.out_c) + "x" + std::to_string(L.out_c) : "-"});
  }
  std::vector<size_t> width(t.front().size(), 0);
  for (const auto& r : t)
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  for (const auto& r : t) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c) {
      const std::string pad(width[c] - r[c].size(), ' ');
      line += (c < 2 || c == 9 ? r[c] + pad : pad + r[c]) + (c + 1 < r.size() ? "  " : "");
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
  std::cout << "\n";
}

// Topology mode: each row as one forward GEMM with B = T = 1, like SCALE-Sim. Bytes in are the
// row's input spikes (1 bit each) and its weights; bytes out its output spikes.
std::vector<Row> gemm_rows(const Network& net, const TaskGraph& g, const Pricing& pr) {
  std::vector<Row> rows;
  for (uint32_t l = 0; l < g.layers; ++l) {
    const Task& f = g.task(g.find(TaskKind::F, l));
    const Layer& y = net.layers[l];
    rows.push_back(
        row_of(y.name, f, false, (y.inputs() + 7) / 8 + g.weight_bytes[l], (y.outputs() + 7) / 8,
               pr));
  }
  return rows;
}

std::string rate_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void print_table(const std::vector<std::vector<std::string>>& table) {
  std::vector<size_t> width(kColumns.size(), 0);
  for (const auto& r : table)
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  for (size_t i = 0; i < table.size(); ++i) {
    if (i + 1 == table.size()) {  // a rule above the totals
      size_t total = 0;
      for (size_t w : width) total += w + 2;
      std::cout << std::string(total - 2, '-') << "\n";
    }
    std::string line;
    for (size_t c = 0; c < table[i].size(); ++c) {
      const std::string& s = table[i][c];
      const std::string pad(width[c] - s.size(), ' ');
      line += (c < 2 ? s + pad : pad + s) + (c + 1 < table[i].size() ? "  " : "");
    }
    std::cout << line << "\n";
  }
}

}  // namespace

int layers(const Args& args) {
  po::options_description desc;
  desc.add(network_options());
  desc.add(array_options());  // the NoC, memory and processor count play no part in the report
  po::options_description own("Report");
  own.add_options()("csv", po::bool_switch(), "print CSV (no totals row) instead of the table")(
      "energy", po::value<std::string>(),
      "energy table file (docs/ENERGY.md) over the built-in 45 nm figures; SRAM priced at the "
      "built-in processor's size");
  desc.add(own);
  const auto vm =
      parse(args, desc, "layers [--network N | --topology FILE] [--array-rows R ...] [--csv]");
  if (!vm) return 0;

  const bool topology = vm->count("topology") > 0;
  Network net = network_from(*vm);
  if (topology) net.timesteps = net.batch = 1;  // single GEMMs, comparable with SCALE-Sim
  const ArrayParams array = array_from(*vm);
  const TaskGraph g = build_task_graph(net, array);
  Pricing pr;
  pr.array = array;
  if (vm->count("energy")) pr.table = read_energy_file((*vm)["energy"].as<std::string>());
  const std::vector<Row> rows = topology ? gemm_rows(net, g, pr) : task_rows(net, g, pr);

  std::vector<std::vector<std::string>> table{kColumns};
  Row total;
  total.layer = "total";
  for (const Row& r : rows) {
    table.push_back(cells(r, array));
    total.folds += r.folds, total.macs += r.macs, total.array += r.array, total.vector += r.vector;
    total.bytes_in += r.bytes_in, total.bytes_out += r.bytes_out, total.dense += r.dense;
    total.ifmap_reads += r.ifmap_reads, total.filter_reads += r.filter_reads;
    total.ofmap_writes += r.ofmap_writes;
    total.sram_read += r.sram_read, total.sram_write += r.sram_write;
    total.synops += r.synops, total.energy_pj += r.energy_pj;
  }

  if ((*vm)["csv"].as<bool>()) {
    for (const auto& r : table) {
      std::string line;
      for (size_t c = 0; c < r.size(); ++c) line += (c ? "," : "") + csv_field(r[c]);
      std::cout << line << "\n";
    }
    return 0;
  }
  table.push_back(cells(total, array));
  std::cout << "network " << net.name << " (" << net.source << "): " << net.layers.size()
            << " layers, B = " << net.batch << ", T = " << net.timesteps
            << (topology ? ", each row one forward GEMM" : ", one training iteration") << "\n"
            << "array " << array.rows << "x" << array.cols << " " << to_string(array.dataflow)
            << ", " << array.vector_lanes << " vector lanes"
            << (array.sparsity
                    ? ", sparsity on (firing rate " + rate_text(array.firing_rate) + ")"
                    : "")
            << "\n\n";
  bool imported = false;  // layers with their own neurons: a NIR import
  for (const Layer& L : net.layers) imported = imported || !L.neuron.model.empty() || L.recurrent;
  if (imported) print_layer_shapes(net);
  print_table(table);
  return 0;
}

}  // namespace spikepipe::cli
