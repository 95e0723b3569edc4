// METHOD.md §2-4 and docs/EXECUTION.md: the F/D/E/G/U tasks of one training iteration, costed on
// the array and vector unit, and the edges between them with their bytes. Schedulers and the
// simulator both read costs from here, so every figure has exactly one definition.
#include "spikepipe/workloads/task_graph.h"

#include <cmath>
#include <string>

#include "spikepipe/core/error.h"

namespace spikepipe {

TaskId TaskGraph::find(TaskKind kind, uint32_t layer) const {
  if (!has(kind, layer))
    fail("task graph of '" + network + "'",
         std::string("no task ") + to_string(kind) + std::to_string(layer + 1),
         kind == TaskKind::E ? "E exists for layers 2.." + std::to_string(layers)
                             : "layers 1.." + std::to_string(layers));
  return TaskId(uint32_t(index[layer][size_t(kind)]));
}

bool TaskGraph::has(TaskKind kind, uint32_t layer) const {
  return layer < index.size() && index[layer][size_t(kind)] >= 0;
}

std::vector<uint32_t> TaskGraph::in_edges(TaskId id) const {
  std::vector<uint32_t> r;
  for (uint32_t i = 0; i < edges.size(); ++i)
    if (edges[i].dst == id) r.push_back(i);
  return r;
}

std::vector<uint32_t> TaskGraph::out_edges(TaskId id) const {
  std::vector<uint32_t> r;
  for (uint32_t i = 0; i < edges.size(); ++i)
    if (edges[i].src == id) r.push_back(i);
  return r;
}

Cycles TaskGraph::total_cycles() const {
  Cycles sum = 0;
  for (const Task& t : tasks) sum += t.cycles();
  return sum;
}

uint64_t TaskGraph::sram_bytes() const {
  uint64_t sum = 0;
  for (const Task& t : tasks) sum += t.sram_read_bytes() + t.sram_write_bytes();
  return sum;
}

namespace {

uint64_t bytes_of_bits(uint64_t bits) { return (bits + 7) / 8; }

class Builder {
 public:
  Builder(const Network& net, const ArrayParams& a) : net_(net), a_(a) {
    g_.network = net.name;
    g_.layers = uint32_t(net.layers.size());
    g_.batch = net.batch;
    g_.timesteps = net.timesteps;
    g_.array = a;
    g_.index.assign(net.layers.size(), {-1, -1, -1, -1, -1});
  }

  TaskGraph build() {
    const uint32_t L = g_.layers;
    for (uint32_t l = 0; l < L; ++l) add_forward(l);
    for (uint32_t l = L; l-- > 0;) add_backward(l);
    add_edges();
    g_.input_bytes = bytes_of_bits(BT() * net_.layers[0].inputs());
    for (const Layer& layer : net_.layers) g_.weight_bytes.push_back(weight_bytes(layer));
    for (const Edge& e : g_.edges) {
      g_.tasks[e.src.value].bytes_out += e.bytes;
      g_.tasks[e.dst.value].bytes_in += e.bytes;
    }
    return std::move(g_);
  }

 private:
  uint64_t BT() const { return net_.samples_steps(); }
  uint64_t act() const { return net_.act_bits; }
  uint64_t wb() const { return net_.weight_bits; }
  uint64_t weight_bytes(const Layer& layer) const {
    return bytes_of_bits(layer.weights() * net_.weight_bits);
  }

  Task& add(TaskKind kind, uint32_t l) {
    Task t;
    t.id = TaskId(uint32_t(g_.tasks.size()));
    t.kind = kind;
    t.layer = l;
    t.name = std::string(to_string(kind)) + std::to_string(l + 1);
    g_.index[l][size_t(kind)] = int32_t(t.id.value);
    g_.tasks.push_back(std::move(t));
    return g_.tasks.back();
  }

  // Spike-driven GEMMs (F, G) skip zero spikes when sparsity is on (H2Learn); MACs and
  // utilisation stay the dense figures, only the time shrinks.
  void set_gemm(Task& t, const GemmShape& shape, bool spike_driven, const OperandBits& bits) {
    t.gemm = shape;
    t.gemm_cost = gemm_cost(shape, a_);
    t.gemm_bits = bits;
    t.spike_driven = spike_driven;
    t.array_read_bytes = gemm_sram_read_bytes(t.gemm_cost, bits);
    t.array_write_bytes = gemm_sram_write_bytes(t.gemm_cost, bits);
    if (spike_driven && a_.sparsity && t.gemm_cost.cycles > 0)
      t.gemm_cost.cycles = Cycles(std::ceil(double(t.gemm_cost.cycles) * a_.firing_rate));
    t.array_cycles = t.gemm_cost.cycles;
  }

  // A recurrent layer's product with its out_c x out_c weights, `runs` times in sequence
  // (Layer::recurrent, docs/NETWORK_FORMAT.md): added to the task's array time and traffic.
  void add_recurrent(Task& t, const GemmShape& shape, uint64_t runs, bool spike_driven,
                     const OperandBits& bits) {
    t.rec_gemm = shape;
    t.rec_cost = repeated(gemm_cost(shape, a_), runs);
    t.rec_bits = bits;
    t.rec_spike_driven = spike_driven;
    t.rec_read_bytes = gemm_sram_read_bytes(t.rec_cost, bits);
    t.rec_write_bytes = gemm_sram_write_bytes(t.rec_cost, bits);
    if (spike_driven && a_.sparsity && t.rec_cost.cycles > 0)
      t.rec_cost.cycles = Cycles(std::ceil(double(t.rec_cost.cycles) * a_.firing_rate));
    t.array_cycles += t.rec_cost.cycles;
    t.array_read_bytes += t.rec_read_bytes;
    t.array_write_bytes += t.rec_write_bytes;
  }

  // Vector passes per element and step: the membrane scan, one more for a synaptic current
  // (CubaLIF), one more for pooling (F only).
  static uint64_t state_passes(const Layer& y) { return y.neuron.synaptic ? 2 : 1; }

  void set_vector(Task& t, uint64_t elements_per_step, uint64_t steps) {
    t.vector_elements = elements_per_step;
    t.vector_steps = steps;
    t.vector_cycles = vector_cycles(elements_per_step, steps, a_.vector_lanes);
  }

  // Vector-unit operand traffic: `elements` element-steps, each reading read_bits and writing
  // write_bits from/to SRAM (state carried between steps lives in SRAM: elements exceed lanes).
  void add_vector_traffic(Task& t, uint64_t elements, uint64_t read_bits, uint64_t write_bits) {
    t.vector_read_bytes += bytes_of_bits(elements * read_bits);
    t.vector_write_bytes += bytes_of_bits(elements * write_bits);
  }

  void add_forward(uint32_t l) {
    const Layer& y = net_.layers[l];
    Task& f = add(TaskKind::F, l);
    // X = input spikes (1 bit), W = weights, Y = input currents (act_bits).
    set_gemm(f, {BT() * y.positions(), y.fan_out(), y.fan_in()}, true, {1, wb(), act()});
    // The IIR scan over every neuron, T steps in sequence; pooling adds one pass per step.
    const uint64_t per_step =
        uint64_t(net_.batch) * y.neurons() * (state_passes(y) + (y.pool > 1 ? 1 : 0));
    set_vector(f, per_step, net_.timesteps);
    // Scan: reads I[t], v[t-1] (act_bits) and s[t-1]; writes v[t] and s[t] (the stash).
    add_vector_traffic(f, BT() * y.neurons(), 2 * act() + 1, act() + 1);
    // A synaptic current: reads and writes it once more per step.
    if (y.neuron.synaptic) add_vector_traffic(f, BT() * y.neurons(), act(), act());
    // Recurrent: W_rec s[t-1], a B x out_c by out_c x out_c product per step, T in sequence.
    if (y.recurrent)
      add_recurrent(f, {net_.batch, y.out_c, y.out_c}, net_.timesteps, true, {1, wb(), act()});
    // Pooling: reads the layer's spikes, writes the pooled ones.
    if (y.pool > 1) {
      const uint64_t r = bytes_of_bits(BT() * y.neurons()), w = bytes_of_bits(BT() * y.outputs());
      f.vector_read_bytes += r;
      f.vector_write_bytes += w;
    }
  }

  void add_backward(uint32_t l) {
    const Layer& y = net_.layers[l];
    Task& d = add(TaskKind::D, l);
    set_vector(d, uint64_t(net_.batch) * y.neurons() * state_passes(y), net_.timesteps);
    // Reverse scan: reads the incoming error, the carried error (act_bits each) and the stash
    // v[t], s[t]; writes the error of the step.
    add_vector_traffic(d, BT() * y.neurons(), 3 * act() + 1, act());
    if (y.neuron.synaptic) add_vector_traffic(d, BT() * y.neurons(), act(), act());
    // Recurrent: the error of step t+1 flows back through W_rec^T into step t inside the
    // reverse scan, one B x out_c by out_c x out_c product per step, T in sequence.
    if (y.recurrent)
      add_recurrent(d, {net_.batch, y.out_c, y.out_c}, net_.timesteps, false, {act(), wb(), act()});
    if (l > 0) {
      Task& e = add(TaskKind::E, l);
      // X = errors, W = weights (transposed), Y = errors of the layer's inputs.
      set_gemm(e, {BT() * y.positions(), y.fan_in(), y.fan_out()}, false, {act(), wb(), act()});
    }
    Task& g = add(TaskKind::G, l);
    // X = errors (transposed), W = the stashed input spikes (1 bit), Y = gradients.
    set_gemm(g, {y.fan_out(), y.fan_in(), BT() * y.positions()}, true, {act(), 1, wb()});
    // Recurrent: its gradient sum_t delta[t] s[t-1]^T batches across T like the forward one.
    if (y.recurrent) add_recurrent(g, {y.out_c, y.out_c, BT()}, 1, true, {act(), 1, wb()});
    Task& u = add(TaskKind::U, l);
    set_vector(u, y.weights(), 1);
    // Reads weight and gradient, writes the weight.
    add_vector_traffic(u, y.weights(), 2 * wb(), wb());
  }

  void edge(TaskKind sk, uint32_t sl, TaskKind dk, uint32_t dl, TensorKind kind, uint64_t bits,
            uint32_t distance = 0) {
    Edge e;
    e.src = g_.find(sk, sl);
    e.dst = g_.find(dk, dl);
    e.kind = kind;
    e.bytes = bytes_of_bits(bits);
    e.distance = distance;
    g_.edges.push_back(e);
  }

  void add_edges() {
    const uint64_t bt = BT(), act = net_.act_bits, wb = net_.weight_bits;
    for (uint32_t l = 0; l < g_.layers; ++l) {
      const Layer& y = net_.layers[l];
      using K = TaskKind;
      using T = TensorKind;
      // inputs(l) == outputs(l-1) for chained networks; for SCALE-Sim imports the bytes between
      // two rows are the next row's IFMAP.
      if (l > 0) edge(K::F, l - 1, K::F, l, T::Spikes, bt * y.inputs());
      edge(K::F, l, K::D, l, T::Stash, bt * y.neurons() * (act + 1));
      if (l > 0) {
        edge(K::D, l, K::E, l, T::Errors, bt * y.neurons() * act);
        edge(K::E, l, K::D, l - 1, T::Errors, bt * y.inputs() * act);
      }
      edge(K::D, l, K::G, l, T::Errors, bt * y.neurons() * act);
      // The input spikes G needs: stashed by the previous F, or by F1 itself for the first layer.
      // A recurrent layer's G also needs the layer's own spikes (one more stash edge; for the
      // first layer, whose F1 -> G1 edge exists, its bits join that edge).
      const uint64_t own = y.recurrent ? bt * y.neurons() : 0;
      edge(K::F, l == 0 ? 0 : l - 1, K::G, l, T::Stash, bt * y.inputs() + (l == 0 ? own : 0));
      if (l > 0 && own) edge(K::F, l, K::G, l, T::Stash, own);
      edge(K::G, l, K::U, l, T::Gradients, y.weights() * wb);
      edge(K::U, l, K::F, l, T::Weights, y.weights() * wb, 1);
      if (l > 0) edge(K::U, l, K::E, l, T::Weights, y.weights() * wb, 1);
    }
  }

  const Network& net_;
  const ArrayParams& a_;
  TaskGraph g_;
};

}  // namespace

TaskGraph build_task_graph(const Network& net, const ArrayParams& array) {
  validate(net);
  array.validate("array of '" + net.name + "'");
  return Builder(net, array).build();
}

}  // namespace spikepipe
