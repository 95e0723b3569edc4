// spikepipe train: trains the network for real (train/, docs/TRAINING.md) with the gradient
// delays of a schedule beside the same training without delays, and joins the result with the
// schedule's period: time to accuracy = iterations to reach a target x period / clock.
// No SystemC: the period is the scheduler's prediction (Schedule::predicted_period).
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "spikepipe/cli/cli.h"
#include "spikepipe/cli/options.h"
#include "spikepipe/core/error.h"
#include "spikepipe/platform/output_dir.h"
#include "spikepipe/train/trainer.h"
#include "spikepipe/workloads/scheduler.h"
#include "spikepipe/workloads/task_graph.h"

namespace spikepipe::cli {

namespace {

using namespace spikepipe::train;

std::string join(const std::vector<uint32_t>& v, const char* sep = " ") {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + std::to_string(v[i]);
  return s;
}

std::string num(double v, int prec = 6) {
  std::ostringstream o;
  o << std::setprecision(prec) << v;
  return o.str();
}

// One training to run: the delays of a schedule (or none), and what it is joined with.
struct Plan {
  std::string label;     // "no-delay", or the scheduler (with -split)
  std::vector<uint32_t> delays;
  uint64_t period = 0;   // predicted cycles per iteration; 0 for the no-delay reference
};

std::vector<uint32_t> parse_delays(const std::string& text, size_t layers) {
  std::vector<uint32_t> d;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos || item.size() > 6)
      fail("--delays", "'" + text + "' is not a list of whole numbers", "schedule, or d1,d2,... one per layer");
    d.push_back(uint32_t(std::stoul(item)));
  }
  if (d.size() != layers)
    fail("--delays", std::to_string(d.size()) + " delays for " + std::to_string(layers) + " layers",
         "one per layer");
  return d;
}

// Everything a training's result depends on (deterministic for these and a thread count).
std::string cache_key(const Network& net, const std::string& data, size_t ntrain, size_t ntest,
                      const TrainConfig& c, int threads) {
  std::ostringstream k;
  k << std::setprecision(17) << "v1|" << net.name << "|T" << net.timesteps << "|B" << net.batch << "|c"
    << net.neuron.c << "|l" << net.neuron.lambda << "|th" << net.neuron.theta << "|r"
    << to_string(net.neuron.reset) << "|w" << net.neuron.surrogate_width;
  for (const Layer& L : net.layers)
    k << "|" << to_string(L.kind) << L.in_h << "x" << L.in_w << "x" << L.in_c << "k" << L.kernel_h << "x"
      << L.kernel_w << "s" << L.stride << "p" << L.pad << "o" << L.out_c << "q" << L.pool;
  k << "|" << data << "|" << ntrain << "|" << ntest << "|e" << c.epochs << "|lr" << c.lr << "|m" << c.momentum
    << "|dec" << c.lr_decay << "|s" << c.seed << "|i" << c.init_scale << "|ev" << c.eval_every << "|ta"
    << c.target_accuracy << "|st" << c.stop_at_target << "|" << to_string(c.engine.encoding) << "|"
    << to_string(c.engine.loss) << "|t" << threads << "|d" << join(c.delays, ",");
  return k.str();
}

std::string cache_file(const std::string& dir, const std::string& key) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char ch : key) h = (h ^ ch) * 1099511628211ull;
  char name[40];
  std::snprintf(name, sizeof name, "%016llx.txt", (unsigned long long)h);
  return dir + "/" + name;
}

std::optional<TrainResult> cache_read(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line) || line != key) return std::nullopt;
  TrainResult r;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string what;
    l >> what;
    if (what == "target") {
      l >> r.iterations_to_target >> r.train_seconds;
    } else if (what == "epoch") {
      EpochRecord e;
      l >> e.epoch >> e.iterations >> e.train_loss >> e.train_accuracy >> e.test_loss >> e.test_accuracy >> e.seconds;
      r.epochs.push_back(e);
    } else if (what == "eval") {
      EvalRecord e;
      l >> e.iteration >> e.test_loss >> e.test_accuracy;
      r.evals.push_back(e);
    }
    if (!l) return std::nullopt;
  }
  return r;
}

void cache_write(const std::string& file, const std::string& key, const TrainResult& r) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
  const std::string tmp = file + ".tmp";
  {
    std::ofstream o(tmp);
    o << std::setprecision(17) << key << "\ntarget " << r.iterations_to_target << " " << r.train_seconds << "\n";
    for (const EpochRecord& e : r.epochs)
      o << "epoch " << e.epoch << " " << e.iterations << " " << e.train_loss << " " << e.train_accuracy << " "
        << e.test_loss << " " << e.test_accuracy << " " << e.seconds << "\n";
    for (const EvalRecord& e : r.evals) o << "eval " << e.iteration << " " << e.test_loss << " " << e.test_accuracy << "\n";
    if (!o) fail("--cache " + file, "cannot write");
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) fail("--cache " + file, "cannot write: " + ec.message());
}

}  // namespace

int train_cmd(const Args& args) {
  po::options_description desc;
  desc.add(network_options()).add(platform_options()).add(scheduler_options());
  po::options_description t("Training");
  t.add_options()
      ("data", po::value<std::string>()->default_value(default_data_dir()),
       "directory of the IDX files (train-/t10k-images-idx3-ubyte[.gz], ...-labels-idx1-ubyte[.gz]); "
       "default $SPIKEPIPE_DATA_DIR or Debian's dataset-fashion-mnist")
      ("epochs", whole<uint32_t>(1, 10000)->default_value(1), "epochs, 1 .. 10000")
      ("lr", po::value<double>()->default_value(0.01), "learning rate η of SGD")
      ("momentum", po::value<double>()->default_value(0.0), "SGD momentum, 0 .. <1 (0: W -= η∇W, METHOD §1)")
      ("lr-decay", po::value<double>()->default_value(1.0), "learning rate of epoch e (from 0): lr x lr-decay^e, 0 .. 1")
      ("seed", whole<uint32_t>(0, 4294967295u)->default_value(1), "seed of initial weights, shuffling, rate coding")
      ("train-samples", whole<uint32_t>(0, 1 << 30)->default_value(0), "use the first N training samples (0: all)")
      ("test-samples", whole<uint32_t>(0, 1 << 30)->default_value(0), "use the first N test samples (0: all)")
      ("encoding", po::value<std::string>()->default_value("direct"), "input encoding: direct (pixel current every step) or rate (Bernoulli spikes)")
      ("loss", po::value<std::string>()->default_value("membrane"), "cross-entropy over the output layer's mean membrane potential (membrane) or spike count (count)")
      ("init-scale", po::value<double>()->default_value(1.0), "initial weights uniform in ±scale/sqrt(fan-in)")
      ("delays", po::value<std::string>()->default_value("schedule"),
       "the delays to train with: 'schedule' (those of --scheduler on the platform) or d1,d2,... per layer")
      ("all-schedulers", po::bool_switch(), "train with the delays of every scheduler (each distinct delay vector once) and report each one's time to accuracy")
      ("no-baseline", po::bool_switch(), "skip the training without delays")
      ("eval-every", whole<uint32_t>(0, 1 << 30)->default_value(0), "also evaluate on the test set every N iterations (finer time to accuracy; 0: per epoch)")
      ("target-accuracy", po::value<double>()->default_value(0.0), "test accuracy (0 .. 1) whose first evaluated iteration gives the time to accuracy")
      ("stop-at-target", po::bool_switch(), "stop a training once it reached --target-accuracy")
      ("threads", whole<uint32_t>(1, 256)->default_value(1), "threads of the matrix products (OpenMP builds)")
      ("cache", po::value<std::string>()->default_value(""),
       "directory of finished trainings, keyed by every setting and the delays: a training with the "
       "same ones (another --processors with the same delays) is read back, not run again")
      ("out", po::value<std::string>()->default_value("traces/train"), "output directory: train.csv, evals.csv, tta.csv, summary.txt");
  desc.add(t);
  const auto vm = parse(args, desc,
                        "train --network NAME|FILE [--scheduler S --processors P] [--epochs N] [--lr η] "
                        "[--train-samples N] [--target-accuracy A] [--all-schedulers] [--out DIR]");
  if (!vm) return 0;
  const Network net = network_from(*vm);
  const PlatformParams platform = platform_from(*vm);
  const std::string sched = (*vm)["scheduler"].as<std::string>();
  check_applicable(*vm, sched);

  TrainConfig cfg;
  cfg.epochs = (*vm)["epochs"].as<uint32_t>();
  cfg.lr = (*vm)["lr"].as<double>();
  cfg.momentum = (*vm)["momentum"].as<double>();
  cfg.lr_decay = (*vm)["lr-decay"].as<double>();
  if (!(cfg.lr_decay > 0 && cfg.lr_decay <= 1)) fail("--lr-decay", num(cfg.lr_decay) + " is out of range", "> 0 .. 1");
  cfg.seed = (*vm)["seed"].as<uint32_t>();
  cfg.init_scale = (*vm)["init-scale"].as<double>();
  cfg.eval_every = (*vm)["eval-every"].as<uint32_t>();
  cfg.target_accuracy = (*vm)["target-accuracy"].as<double>();
  cfg.stop_at_target = (*vm)["stop-at-target"].as<bool>();
  cfg.engine.encoding = parse_encoding((*vm)["encoding"].as<std::string>());
  cfg.engine.loss = parse_loss((*vm)["loss"].as<std::string>());
  if (!(cfg.lr > 0) || !std::isfinite(cfg.lr)) fail("--lr", num(cfg.lr) + " is not a positive number");
  if (!(cfg.momentum >= 0 && cfg.momentum < 1)) fail("--momentum", num(cfg.momentum) + " is out of range", "0 .. <1");
  if (!(cfg.init_scale > 0) || !std::isfinite(cfg.init_scale)) fail("--init-scale", num(cfg.init_scale) + " is not a positive number");
  if (!(cfg.target_accuracy >= 0 && cfg.target_accuracy <= 1))
    fail("--target-accuracy", num(cfg.target_accuracy) + " is out of range", "0 .. 1 (a fraction, 0.85 for 85%)");
  if (cfg.stop_at_target && cfg.target_accuracy == 0) fail("--stop-at-target", "needs --target-accuracy");
  const std::string delays_arg = (*vm)["delays"].as<std::string>();
  const bool all = (*vm)["all-schedulers"].as<bool>();
  if (all && delays_arg != "schedule") fail("--all-schedulers", "takes the delays of the schedules, not --delays");

  // The plans: the no-delay reference, then the schedule(s).
  std::vector<Plan> plans;
  if (!(*vm)["no-baseline"].as<bool>()) plans.push_back({"no-delay", std::vector<uint32_t>(net.layers.size(), 0), 0});
  const TaskGraph graph = build_task_graph(net, platform.processor.array);
  auto planned = [&](const std::string& name, bool split) {
    SchedulerOptions o = scheduler_options_from(*vm, platform);
    o.split = split;
    const Schedule s = make_schedule(name, graph, o);
    return Plan{name + (split ? "-split" : ""), s.delays, s.predicted_period};
  };
  if (all) {
    for (const SchedulerEntry& e : schedulers()) {
      plans.push_back(planned(e.name, false));
      if (e.splits) plans.push_back(planned(e.name, true));
    }
  } else if (delays_arg == "schedule") {
    plans.push_back(planned(sched, (*vm).count("split") && (*vm)["split"].as<bool>()));
  } else {
    plans.push_back({"delays", parse_delays(delays_arg, net.layers.size()), 0});
  }

  OutputDir out((*vm)["out"].as<std::string>(), "run");
  const int threads = set_threads(int((*vm)["threads"].as<uint32_t>()));
  const std::string dir = (*vm)["data"].as<std::string>();
  const std::string cache = (*vm)["cache"].as<std::string>();
  const Dataset train = load_split(dir, true, (*vm)["train-samples"].as<uint32_t>());
  const Dataset test = load_split(dir, false, (*vm)["test-samples"].as<uint32_t>());
  std::cerr << "spikepipe train: " << net.name << " (T=" << net.timesteps << ", B=" << net.batch << ") on "
            << train.count() << " training and " << test.count() << " test samples from " << dir << ", "
            << threads << " thread(s)\n";

  // Each distinct delay vector is trained once; plans with the same delays share the result.
  std::map<std::vector<uint32_t>, TrainResult> results;
  std::map<std::vector<uint32_t>, std::string> first_label;
  for (const Plan& p : plans) {
    if (results.count(p.delays)) {
      std::cerr << "spikepipe train: " << p.label << ": delays " << join(p.delays) << " as "
                << first_label[p.delays] << "\n";
      continue;
    }
    TrainConfig c = cfg;
    c.delays = p.delays;
    first_label[p.delays] = p.label;
    const std::string key = cache_key(net, dir, train.count(), test.count(), c, threads);
    const std::string file = cache.empty() ? "" : cache_file(cache, key);
    if (!file.empty())
      if (auto hit = cache_read(file, key)) {
        std::cerr << "spikepipe train: " << p.label << ": delays " << join(p.delays) << " from " << file << "\n";
        results[p.delays] = *hit;
        continue;
      }
    std::cerr << "spikepipe train: " << p.label << ": delays " << join(p.delays) << "\n";
    results[p.delays] = train_snn(net, train, test, c, [&](const std::string& line) {
      std::cerr << "  " << p.label << ": " << line << "\n";
    });
    if (!file.empty()) cache_write(file, key, results[p.delays]);
  }

  std::ostringstream csv, evals, tta, summary;
  csv << "run,delays,epoch,iterations,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n";
  evals << "run,delays,iteration,test_loss,test_accuracy\n";
  tta << "run,processors,delays,period_cycles,clock_ghz,period_seconds,target_accuracy,"
         "iterations_to_target,time_to_accuracy_s,final_test_accuracy\n";
  summary << "network " << net.name << " (T=" << net.timesteps << ", B=" << net.batch << "), "
          << train.count() << " training / " << test.count() << " test samples, " << cfg.epochs
          << " epoch(s), lr " << num(cfg.lr) << ", momentum " << num(cfg.momentum) << ", lr decay " << num(cfg.lr_decay) << ", seed " << cfg.seed
          << ", encoding " << to_string(cfg.engine.encoding) << ", loss " << to_string(cfg.engine.loss)
          << ", platform " << platform.processors << " processors at " << num(platform.clock_ghz) << " GHz\n";
  summary << std::left << std::setw(18) << "run" << std::setw(16) << "delays" << std::right << std::setw(10)
          << "test acc" << std::setw(10) << "loss" << std::setw(12) << "train s" << std::setw(14)
          << "period cyc" << std::setw(12) << "iters>=A" << std::setw(14) << "time to A s" << "\n";
  for (const Plan& p : plans) {
    const TrainResult& r = results.at(p.delays);
    const std::string d = join(p.delays);
    for (const EpochRecord& e : r.epochs)
      csv << p.label << "," << d << "," << e.epoch << "," << e.iterations << "," << num(e.train_loss) << ","
          << num(e.train_accuracy) << "," << num(e.test_loss) << "," << num(e.test_accuracy) << ","
          << num(e.seconds, 4) << "\n";
    for (const EvalRecord& e : r.evals)
      evals << p.label << "," << d << "," << e.iteration << "," << num(e.test_loss) << "," << num(e.test_accuracy) << "\n";
    const double period_s = double(p.period) / (platform.clock_ghz * 1e9);
    const bool reached = r.iterations_to_target >= 0;
    const double t_acc = reached && p.period ? double(r.iterations_to_target) * period_s : -1;
    const double final_acc = r.evals.empty() ? 0 : r.evals.back().test_accuracy;
    tta << p.label << "," << platform.processors << "," << d << "," << p.period << "," << num(platform.clock_ghz)
        << "," << num(period_s) << "," << num(cfg.target_accuracy) << ","
        << (reached ? std::to_string(r.iterations_to_target) : "") << "," << (t_acc >= 0 ? num(t_acc) : "")
        << "," << num(final_acc) << "\n";
    summary << std::left << std::setw(18) << p.label << std::setw(16) << d << std::right << std::fixed
            << std::setprecision(4) << std::setw(10) << final_acc << std::setw(10)
            << (r.evals.empty() ? 0.0 : r.evals.back().test_loss) << std::setprecision(1) << std::setw(12)
            << r.train_seconds << std::defaultfloat << std::setw(14) << (p.period ? std::to_string(p.period) : "-")
            << std::setw(12) << (reached ? std::to_string(r.iterations_to_target) : "-") << std::setw(14)
            << (t_acc >= 0 ? num(t_acc, 4) : "-") << "\n";
  }
  if (cfg.target_accuracy > 0)
    summary << "time to accuracy = iterations to reach test accuracy " << num(cfg.target_accuracy)
            << " (first evaluation at or above it) x predicted period / clock\n";
  out.write("train.csv", csv.str());
  out.write("evals.csv", evals.str());
  out.write("tta.csv", tta.str());
  out.write("summary.txt", summary.str());
  out.commit();
  std::cout << summary.str() << "outputs " << out.final_path().string()
            << " (plot: python3 scripts/plot_train.py " << out.final_path().string() << ")\n";
  return 0;
}

}  // namespace spikepipe::cli
