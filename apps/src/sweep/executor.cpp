// Runs the points of one rank, N at a time, with resume and a progress line. The runner is
// injected so that tests can count and fake child runs.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "spikepipe/cli/sweep.h"
#include "spikepipe/core/error.h"
#include "spikepipe/platform/interrupts.h"
#include "spikepipe/platform/output_dir.h"

namespace spikepipe::sweep {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string args_text(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += a + "\n";
  return s;
}

}  // namespace

std::string binary_stamp(const fs::path& binary) {
  std::error_code ec;
  const auto size = fs::file_size(binary, ec);
  const auto time = fs::last_write_time(binary, ec);
  if (ec) return "";
  return std::to_string(size) + " " + std::to_string(time.time_since_epoch().count()) + "\n";
}

namespace {

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// One line on stderr: rewritten in place on a terminal, one line per finished point otherwise.
class Progress {
 public:
  Progress(size_t total, size_t resumed, const RunOptions& o)
      : total_(total), done_(resumed), resumed_(resumed), on_(o.progress), tty_(isatty(2) != 0) {
    if (o.ranks > 1)
      prefix_ = "sweep rank " + std::to_string(o.rank) + "/" + std::to_string(o.ranks) + ": ";
    else
      prefix_ = "sweep: ";
    if (on_ && !tty_ && resumed_) {
      std::cerr << prefix_ << resumed_ << " of " << total_ << " points already finished, kept\n";
    }
  }

  void started() {
    std::lock_guard<std::mutex> lock(m_);
    ++running_;
    draw(nullptr, nullptr, 0);
  }

  void finished(const Point& p, const Outcome& o, double seconds) {
    std::lock_guard<std::mutex> lock(m_);
    --running_;
    ++done_;
    if (!o.ok) ++failed_;
    draw(&p, &o, seconds);
  }

  void end() {
    if (on_ && tty_) std::cerr << "\n";
  }

 private:
  void draw(const Point* p, const Outcome* o, double seconds) {
    if (!on_) return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    std::ostringstream line;
    if (tty_) {
      if (p && !o->ok) {  // a failure stays on screen above the progress line
        std::cerr << "\r\033[K" << prefix_ << p->id << " failed: " << o->error << "\n";
      }
      line << "\r" << prefix_ << done_ << "/" << total_ << " points, " << failed_ << " failed, "
           << resumed_ << " kept, " << running_ << " running, " << clock_text(elapsed) << "   ";
      std::cerr << line.str() << std::flush;
      return;
    }
    if (!p) return;
    line << prefix_;
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f s", seconds);
    line << "[" << done_ << "/" << total_ << "] " << p->id << " " << (o->ok ? "ok" : "failed")
         << " (" << secs << ", " << clock_text(elapsed) << " elapsed)";
    if (!o->ok) line << ": " << o->error;
    std::cerr << line.str() << "\n";
  }

  std::mutex m_;
  size_t total_, done_, resumed_, failed_ = 0, running_ = 0;
  bool on_, tty_;
  std::string prefix_;
  Clock::time_point start_ = Clock::now();
};

// Removes what --keep does not keep from a finished point's directory: only files its run wrote
// (its manifest), which then lists what is left.
void prune(const fs::path& dir, const std::string& keep) {
  if (keep == "all") return;
  std::optional<Manifest> m = read_manifest(dir);
  if (!m) return;
  std::vector<std::string> kept, gone;
  for (const auto& name : m->files) {
    const bool k =
        name == "summary.json" || name == "summary.txt" || (keep == "tasks" && name == "tasks.csv");
    (k ? kept : gone).push_back(name);
  }
  remove_listed(dir, gone);
  m->files = kept;
  write_manifest(dir, *m);
}

}  // namespace

std::vector<Result> run_points(const Spec& spec, const std::vector<Point>& points,
                               const Runner& runner, const RunOptions& options) {
  if (options.ranks < 1 || options.rank < 0 || options.rank >= options.ranks) {
    fail("sweep", "rank " + std::to_string(options.rank) + " of " + std::to_string(options.ranks));
  }
  std::vector<Result> results;
  std::vector<Job> jobs;
  std::vector<size_t> todo;  // indices into results
  size_t rebuilt = 0;         // finished points of another build, run again
  for (const auto& p : points) {
    if (p.index % static_cast<size_t>(options.ranks) != static_cast<size_t>(options.rank)) continue;
    Result r;
    r.point = p;
    Job job;
    job.dir = spec.out / "points" / p.id;
    job.log = spec.out / "logs" / (p.id + ".log");
    job.args = point_args(spec, p);
    const fs::path args_file = spec.out / "logs" / (p.id + ".args");
    if (fs::exists(job.dir / "summary.json")) {
      if (fs::exists(args_file) && read_text(args_file) != args_text(job.args)) {
        fail(job.dir.string(),
             "already holds a point run with other arguments (see " + args_file.string() + ")",
             "the same command to resume, or another --out");
      }
      const fs::path build_file = spec.out / "logs" / (p.id + ".build");
      if (options.build.empty() || (fs::exists(build_file) && read_text(build_file) == options.build)) {
        r.ok = r.resumed = true;
      } else {
        ++rebuilt;
        todo.push_back(results.size());
      }
    } else {
      todo.push_back(results.size());
    }
    results.push_back(std::move(r));
    jobs.push_back(std::move(job));
  }
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i].point = &results[i].point;
  if (rebuilt && options.progress)
    std::cerr << "sweep: " << rebuilt << " finished point(s) were run by another build of "
              << "spikepipe: running them again\n";

  Progress progress(results.size(), results.size() - todo.size(), options);
  // An interrupt reaches the running points (interrupts.h) and starts no new one.
  const interrupts::Cooperative cooperative;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t n; !interrupts::received() && (n = next.fetch_add(1)) < todo.size();) {
      const size_t i = todo[n];
      Job job = jobs[i];
      job.args.insert(job.args.end(), {"--out", job.dir.string(), "--no-trace", "--quiet"});
      const auto t0 = Clock::now();
      progress.started();
      Outcome o;
      try {
        fs::create_directories(job.log.parent_path());
        std::ofstream(spec.out / "logs" / (results[i].point.id + ".args"), std::ios::binary)
            << args_text(jobs[i].args);
        if (!options.build.empty())
          std::ofstream(spec.out / "logs" / (results[i].point.id + ".build"), std::ios::binary)
              << options.build;
        o = runner(job);
        if (!o.ok && interrupts::received()) o.error = "interrupted";
      } catch (const std::exception& e) {
        o = {false, e.what()};
      }
      if (o.ok) {
        try {
          prune(job.dir, spec.keep);
        } catch (const std::exception& e) {
          o = {false, e.what()};
        }
      }
      results[i].ok = o.ok;
      results[i].error = o.error;
      progress.finished(results[i].point, o,
                        std::chrono::duration<double>(Clock::now() - t0).count());
    }
  };
  const size_t threads = std::min<size_t>(spec.jobs, todo.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (threads > 0) worker();
  for (auto& t : pool) t.join();
  progress.end();

  for (size_t i = 0; i < results.size(); ++i) {
    Result& r = results[i];
    if (!r.ok) continue;
    r.summary = read_text(jobs[i].dir / "summary.json");
    if (!nlohmann::json::accept(r.summary)) {
      r.ok = false;
      r.error = (jobs[i].dir / "summary.json").string() + " is not valid JSON";
      r.summary.clear();
    }
  }
  return results;
}

}  // namespace spikepipe::sweep
