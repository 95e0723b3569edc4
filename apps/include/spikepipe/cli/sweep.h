#pragma once
// Parameter sweeps: the Cartesian product of `--set KEY=V1,V2,...` values, each point one
// `spikepipe run` in its own process (SystemC elaborates once per process). Adds no timing model:
// the rows of sweep.csv are the points' own summary.json figures.
//
// Layout of a sweep directory OUT:
//   OUT/points/<id>/        the point's `run --out` directory (summary.json, tasks.csv, ...)
//   OUT/logs/<id>.log       the point's stdout and stderr
//   OUT/logs/<id>.args      the point's run arguments (checked when resuming)
//   OUT/sweep.csv, OUT/sweep.json
//   OUT/.spikepipe-manifest  the files above (output_dir.h); OUT/.spikepipe-lock  held while
//   running
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace spikepipe::sweep {

// One swept run option and its values, ranges expanded, in the order given. An axis with
// `joint` set moves together with the axis before it (value i with value i) instead of forming
// a product with it: `--set a+b=1,2` or `--set a=1,2 --zip b=3,4`. Joint axes have as many
// values as the axis they join.
struct Axis {
  std::string key;
  std::vector<std::string> values;
  bool joint = false;
};

// "KEY=ITEM,ITEM,..." where an ITEM is a value or a range: "a:b:xF" (a, a*F, ... <= b, integer
// F >= 2), "a:b:+s" or "a:b:s" (a, a+s, ... <= b), "a:b" (step 1). Bounds and + steps may be
// decimals. Throws Error naming the option (--set or --zip) and its text on a bad range, an
// empty or repeated value.
Axis parse_axis(const std::string& text, const std::string& option = "--set");
// "KEY+KEY+...=ITEMS" (--set): one axis per key, all with the same values, every key after the
// first joint. A plain "KEY=ITEMS" gives one axis.
std::vector<Axis> parse_set(const std::string& text);
std::vector<std::string> expand_item(const std::string& item, const std::string& where);

using Values = std::vector<std::pair<std::string, std::string>>;  // (key, value), axis order

struct Point {
  size_t index = 0;  // position in the Cartesian order
  std::string id;    // directory name under OUT/points/
  Values values;
};

// The Cartesian product of the axis groups (an axis and the joint axes after it): the first
// group varies slowest, the last fastest; values in the given order. No axes gives one point
// with id "base". Throws Error naming both keys when a joint axis has another value count.
std::vector<Point> expand(const std::vector<Axis>& axes);

// "array-rows=8,scheduler=gpipe": key=value pairs in axis order. Characters outside
// [A-Za-z0-9._+-] become '_' and then an FNV-1a hash of the exact values is appended so that
// different values never share a directory.
std::string point_id(const Values& values);

struct Spec {
  std::vector<Axis> axes;
  std::vector<std::string> base;  // every other argument, passed to `run` unchanged
  std::filesystem::path out = "traces/sweep";
  uint32_t jobs = 1;
  bool dry_run = false;
  // What a finished point keeps in OUT/points/<id>/: everything `run` wrote ("all"), or only
  // summary.json/summary.txt and tasks.csv ("tasks"), or only the summary ("summary"). The
  // per-message CSVs of a long run reach hundreds of MB; a sweep table needs none of them.
  std::string keep = "all";
};

// Parses the arguments of `spikepipe sweep` (and of spikepipe-sweep-mpi). Returns nullopt after
// printing --help. Keys of --set must be run options (see sweepable_keys) and may not also be
// given as a flag.
std::optional<Spec> parse_spec(const std::vector<std::string>& args, const std::string& program);
std::vector<std::string> sweepable_keys();

// The `spikepipe run` arguments of one point, without --out/--no-trace/--quiet: the base
// arguments, then `--KEY=VALUE` per axis (a switch such as --split: `--split` for
// true/1/yes/on, nothing for false/0/no/off).
std::vector<std::string> point_args(const Spec& spec, const Point& point);

// Where one point runs and what it writes.
struct Job {
  const Point* point = nullptr;
  std::vector<std::string> args;  // the full `run` argument list, --out included
  std::filesystem::path dir;      // OUT/points/<id>
  std::filesystem::path log;      // OUT/logs/<id>.log
};

struct Outcome {
  bool ok = false;
  std::string error;  // empty when ok
};

// Runs one point to completion. Called from several threads at once when jobs > 1.
using Runner = std::function<Outcome(const Job&)>;

// Runs `binary run ARGS` as a child process (stdout and stderr to job.log) and waits for it.
// A point failed when the child exits non-zero or writes no summary.json; its error is the
// child's last "error:" line (or its exit status / signal).
Runner process_runner(std::filesystem::path binary);

// The spikepipe executable: this process when it is spikepipe, else `spikepipe` next to it.
std::filesystem::path spikepipe_binary();

struct Result {
  Point point;
  bool ok = false;
  std::string error;
  std::string summary;   // the text of summary.json when ok
  bool resumed = false;  // found finished, not run again (never written to the reports)
};

struct RunOptions {
  int rank = 0;  // run only the points with index % ranks == rank
  int ranks = 1;
  bool progress = true;  // a progress line on stderr
  // The build of spikepipe that runs the points (binary_stamp); a kept point run by another
  // build is run again, so that a rebuilt simulator never shows old figures. Empty: not checked.
  std::string build;
};

// Size and modification time of the executable: what tells one build from another.
std::string binary_stamp(const std::filesystem::path& binary);

// Runs the points of this rank, spec.jobs at a time. A point whose summary.json exists is kept,
// not run again, unless another build ran it (RunOptions::build); if it was run with other arguments this throws Error before anything runs.
// One failing point does not stop the others. Results come back in point order.
// SIGINT/SIGTERM/SIGHUP (with interrupts::install()) stop it: the running points' processes get
// the signal and are waited for, no new point starts; finish() then ends the process.
std::vector<Result> run_points(const Spec& spec, const std::vector<Point>& points,
                               const Runner& runner, const RunOptions& options = {});

// sweep.csv: one row per point in point order; columns: the swept keys, status (ok|failed),
// error, then the summary figures (nested objects flattened with '.'; arrays, the run's command
// line and figures named like a swept key only in sweep.json). Identical bytes for identical
// results whoever ran them.
std::string csv_text(const Spec& spec, const std::vector<Result>& results);
std::string json_text(const Spec& spec, const std::vector<Result>& results);
// Writes OUT/sweep.csv and OUT/sweep.json (each through a temporary file and a rename), then
// the manifest.
void write_reports(const Spec& spec, const std::vector<Result>& results);
// OUT/.spikepipe-manifest: what the sweep wrote (the lock file, the reports, each point's log,
// arguments and the files its own manifest lists), plus what it listed before and is still there.
void write_sweep_manifest(const Spec& spec, const std::vector<Result>& results);

// What the command prints: the plan of --dry-run, and after a sweep the table of points
// (stdout) and a count of failures (stderr). finish() writes the reports, prints, and returns
// the exit code: 0 when every point ran, 1 when one failed. After an interrupt it writes only
// the manifest (the same command resumes), says so in one line and ends by the signal.
void print_plan(const Spec& spec, const std::vector<Point>& points, std::ostream& os);
void print_table(const Spec& spec, const std::vector<Result>& results, std::ostream& os);
int finish(const Spec& spec, const std::vector<Result>& results);

// Gathering from MPI ranks (MPI itself only moves the texts): results to text and back; one
// rank's report (its results, or the error that stopped it); rank 0's merge in point order,
// which throws Error naming each distinct rank error with its ranks, or a point no rank
// reported; and keep_summaries, which writes OUT/points/<id>/summary.json of points that ran on
// another host when OUT is not shared, so that a resume on rank 0's host keeps them.
std::string encode(const std::vector<Result>& results);
std::vector<Result> decode(const std::string& text, const std::vector<Point>& points);
std::string encode_rank(const std::vector<Result>& results, const std::string& error);
std::vector<Result> merge_ranks(const std::vector<std::string>& reports,
                                const std::vector<Point>& points);
void keep_summaries(const Spec& spec, const std::vector<Result>& results);

}  // namespace spikepipe::sweep
