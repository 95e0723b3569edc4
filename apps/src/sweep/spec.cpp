// The arguments of `spikepipe sweep`: its own options (--set, --zip, -j, --out, --keep,
// --dry-run) are taken out; everything else is handed to every point's `spikepipe run` unchanged.
#include <algorithm>
#include <iostream>
#include <set>

#include "spikepipe/cli/options.h"
#include "spikepipe/cli/sweep.h"
#include "spikepipe/core/error.h"

namespace spikepipe::sweep {

namespace {

// `run` options that are not in the shared declarations of options.h.
const std::vector<std::string> kRunOnlyKeys = {"iterations", "warmup", "energy"};
// Their values are comma-separated lists, which --set would split: sweep INI files instead.
const std::vector<std::string> kListKeys = {"processor-nodes", "dram-nodes"};
// Set by the sweep itself for every point.
const std::vector<std::string> kReserved = {"out", "no-trace", "quiet", "help"};

cli::po::options_description shared_options() {
  cli::po::options_description d;
  d.add(cli::network_options()).add(cli::platform_options()).add(cli::scheduler_options());
  return d;
}

bool is_switch(const std::string& key) {
  const auto shared = shared_options();
  const auto* o = shared.find_nothrow(key, false);
  return o && o->semantic()->max_tokens() == 0;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

uint32_t parse_jobs(const std::string& text) {
  try {
    size_t used = 0;
    const long v = std::stol(text, &used);
    if (used == text.size() && v >= 1 && v <= 1024) return static_cast<uint32_t>(v);
  } catch (const std::exception&) {
  }
  fail("-j", "'" + text + "' is not a job count", "an integer from 1 to 1024");
}

void print_help(const std::string& program) {
  std::cout
      << "usage: " << program
      << " [run options] --set KEY=V1,V2,... [--zip KEY=...] [--set ...] [-j N] [--out DIR]\n\n"
         "Runs `spikepipe run` once per point of the Cartesian product of the --set values, each "
         "in\n"
         "its own process, and writes DIR/sweep.csv and DIR/sweep.json. Every option that is not "
         "a\n"
         "sweep option is passed to each run unchanged (see `spikepipe run --help`).\n\n"
         "Sweep options:\n"
         "  --set KEY=ITEMS     a run option and its values; ITEMS are comma-separated values or\n"
         "                      ranges a:b:xF (geometric), a:b:+s (arithmetic), a:b (step 1).\n"
         "                      The first --set varies slowest.\n"
         "  --set K1+K2=ITEMS   keys that take the same values together (K1=K2=v per point):\n"
         "                      array-rows+array-cols=32,64 gives 32x32 and 64x64 only\n"
         "  --zip KEY=ITEMS     right after a --set: KEY moves with that axis, value i with\n"
         "                      value i (same count), e.g. --set processors=4,16\n"
         "                      --zip noc-rows=2,4 --zip noc-cols=2,4\n"
         "  -j, --jobs N        points run at the same time (default 1)\n"
         "  --out DIR           sweep directory (default traces/sweep); re-running the same\n"
         "                      command into it resumes: points with a summary.json are kept\n"
         "  --keep WHAT         what each finished point keeps: all (default), tasks\n"
         "                      (summary + tasks.csv) or summary\n"
         "  --dry-run           print the points and their run arguments, run nothing\n"
         "  -h, --help          show this help\n\n"
         "Sweepable keys: "
      << joined(sweepable_keys()) << "\n";
}

// "--key value", "--key=value": the value of a sweep option at args[i], advancing i.
bool take(const std::vector<std::string>& args, size_t& i, const std::string& name,
          std::string& value) {
  const std::string& a = args[i];
  if (a == name) {
    if (i + 1 >= args.size()) fail(name, "needs a value");
    value = args[++i];
    return true;
  }
  if (a.rfind(name + "=", 0) == 0 && name.size() > 2) {
    value = a.substr(name.size() + 1);
    return true;
  }
  if (name == "-j" && a.size() > 2 && a.rfind("-j", 0) == 0 && a[2] != '-') {
    value = a.substr(2);
    return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> sweepable_keys() {
  std::vector<std::string> keys;
  const auto shared = shared_options();
  for (const auto& o : shared.options()) keys.push_back(o->long_name());
  for (const auto& k : kRunOnlyKeys) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  }
  keys.erase(
      std::remove_if(keys.begin(), keys.end(),
                     [](const std::string& k) {
                       return std::find(kReserved.begin(), kReserved.end(), k) != kReserved.end() ||
                              std::find(kListKeys.begin(), kListKeys.end(), k) != kListKeys.end();
                     }),
      keys.end());
  return keys;
}

std::optional<Spec> parse_spec(const std::vector<std::string>& args, const std::string& program) {
  Spec spec;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string v;
    if (args[i] == "--help" || args[i] == "-h") {
      print_help(program);
      return std::nullopt;
    } else if (take(args, i, "--set", v)) {
      for (auto& a : parse_set(v)) spec.axes.push_back(std::move(a));
    } else if (take(args, i, "--zip", v)) {
      Axis a = parse_axis(v, "--zip");
      if (spec.axes.empty())
        fail("--zip " + a.key, "no --set before it", "--zip right after the --set it moves with");
      const Axis& lead = spec.axes.back();
      if (a.values.size() != lead.values.size()) {
        fail("--zip " + a.key,
             std::to_string(a.values.size()) + " value(s) against " +
                 std::to_string(lead.values.size()) + " of --set " + lead.key,
             "as many values as the --set it moves with");
      }
      a.joint = true;
      spec.axes.push_back(std::move(a));
    } else if (take(args, i, "-j", v) || take(args, i, "--jobs", v)) {
      spec.jobs = parse_jobs(v);
    } else if (take(args, i, "--out", v)) {
      if (v.empty()) fail("--out", "empty directory name");
      spec.out = v;
    } else if (take(args, i, "--keep", v)) {
      if (v != "all" && v != "tasks" && v != "summary")
        fail("--keep", "'" + v + "'", "all, tasks or summary");
      spec.keep = v;
    } else if (args[i] == "--dry-run") {
      spec.dry_run = true;
    } else if (args[i] == "--no-trace" || args[i] == "--quiet") {
      // every point runs with these already
    } else {
      spec.base.push_back(args[i]);
    }
  }
  const auto keys = sweepable_keys();
  std::set<std::string> seen;
  for (const auto& axis : spec.axes) {
    const std::string where = (axis.joint ? "--set/--zip " : "--set ") + axis.key;
    if (std::find(kListKeys.begin(), kListKeys.end(), axis.key) != kListKeys.end()) {
      fail(where, "'" + axis.key + "' takes a comma-separated list, which --set would split",
           "platform INI files that differ in it, swept with --set platform=a.cfg,b.cfg");
    }
    if (std::find(keys.begin(), keys.end(), axis.key) == keys.end()) {
      fail(where, "'" + axis.key + "' is not a run option that can be swept", joined(keys));
    }
    if (!seen.insert(axis.key).second)
      fail(where, "'" + axis.key + "' is swept twice", "each key in one --set or --zip");
    for (const auto& b : spec.base) {
      if (b == "--" + axis.key || b.rfind("--" + axis.key + "=", 0) == 0) {
        fail(where, "'--" + axis.key + "' is also given as a flag", "either the flag or --set");
      }
    }
    if (is_switch(axis.key)) {
      for (const auto& v : axis.values) {
        static const std::set<std::string> ok = {"true", "false", "1",  "0",
                                                 "yes",  "no",    "on", "off"};
        if (!ok.count(v))
          fail(where, "'" + v + "' is not a switch value", "true, false, 1, 0, yes, no, on, off");
      }
    }
  }
  return spec;
}

std::vector<std::string> point_args(const Spec& spec, const Point& point) {
  std::vector<std::string> args = spec.base;
  for (const auto& [key, value] : point.values) {
    if (is_switch(key)) {
      if (value == "true" || value == "1" || value == "yes" || value == "on")
        args.push_back("--" + key);
    } else {
      args.push_back("--" + key + "=" + value);  // one token: a value may start with '-'
    }
  }
  return args;
}

}  // namespace spikepipe::sweep
