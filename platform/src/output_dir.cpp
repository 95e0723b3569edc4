#include "spikepipe/platform/output_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <system_error>

#include "spikepipe/core/error.h"
#include "spikepipe/platform/interrupts.h"

namespace spikepipe {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHeader = "# spikepipe-manifest v1 ";
constexpr const char* kComment =
    "# The files spikepipe wrote here; replacing this output removes only these "
    "(docs/RELIABILITY.md).";

std::string reason(const std::error_code& ec) { return ec.message(); }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "?";
  return buf;
}

std::string marker_text() { return "spikepipe staging directory on host " + host_name() + "\n"; }

// A relative path that stays inside its directory: no empty, "." or ".." part, not absolute.
bool safe_relative(const std::string& s) {
  if (s.empty() || s.front() == '/' || s.find('\r') != std::string::npos) return false;
  std::istringstream parts(s);
  for (std::string part; std::getline(parts, part, '/');) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  return s.back() != '/';
}

// "a/b/c" -> {"a", "a/b"}.
void add_parents(const std::string& file, std::set<std::string>& dirs) {
  for (size_t p = file.find('/'); p != std::string::npos; p = file.find('/', p + 1))
    dirs.insert(file.substr(0, p));
}

bool under(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

bool is_real_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(fs::symlink_status(p, ec));
}

// The entries of DIR that spikepipe did not write according to M (top-most only: a directory of
// the user's counts once, with everything in it).
std::vector<std::string> foreign_entries(const fs::path& dir, const Manifest* m) {
  std::set<std::string> listed = {kManifestFile}, implied;
  if (m) {
    listed.insert(m->files.begin(), m->files.end());
    for (const auto& f : m->files) add_parents(f, implied);
  }
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(dir).generic_string();
    if (is_real_dir(it->path())) {
      if (implied.count(rel)) continue;
      out.push_back(rel);
      it.disable_recursion_pending();
    } else if (!listed.count(rel)) {
      out.push_back(rel);
    }
  }
  if (ec) fail(dir.string(), "cannot list: " + reason(ec));
  std::sort(out.begin(), out.end());
  return out;
}

std::string joined(const std::vector<std::string>& v, size_t max = 5, const char* sep = ", ") {
  std::string s;
  for (size_t i = 0; i < v.size() && i < max; ++i) s += (i ? sep : "") + v[i];
  if (v.size() > max) s += ", ... (" + std::to_string(v.size()) + " in all)";
  return s;
}

// The pid in "<prefix>PID" or "<prefix>PID-N" (N only when ALLOW_SERIAL), or -1.
long pid_after(const std::string& name, const std::string& prefix, bool allow_serial) {
  if (name.compare(0, prefix.size(), prefix) != 0) return -1;
  const std::string rest = name.substr(prefix.size());
  size_t i = 0;
  while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) ++i;
  if (i == 0 || i > 9) return -1;
  if (i < rest.size()) {
    if (!allow_serial || rest[i] != '-' || i + 1 == rest.size()) return -1;
    for (size_t j = i + 1; j < rest.size(); ++j)
      if (!std::isdigit(static_cast<unsigned char>(rest[j]))) return -1;
  }
  return std::stol(rest.substr(0, i));
}

bool dead(long pid) { return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

}  // namespace

// ---- manifests ----

std::string manifest_text(const Manifest& m) {
  std::vector<std::string> files = m.files;
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  std::string s = kHeader + m.kind + "\n" + kComment + "\n";
  for (const auto& f : files) s += f + "\n";
  return s;
}

std::optional<Manifest> read_manifest(const fs::path& dir) {
  const fs::path file = dir / kManifestFile;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(file, ec))) return std::nullopt;
  if (!fs::is_regular_file(fs::symlink_status(file, ec))) fail(file.string(), "is not a file");
  std::istringstream in(read_text(file));
  Manifest m;
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (n == 1) {
      const std::string h = kHeader;
      if (line.compare(0, h.size(), h) != 0 || line.size() == h.size())
        fail(file.string(), "damaged: line 1 is not '" + h + "KIND'");
      m.kind = line.substr(h.size());
      continue;
    }
    if (!line.empty() && line[0] == '#') continue;
    if (!safe_relative(line) || line == kManifestFile)
      fail(file.string(), "damaged: line " + std::to_string(n) +
                              " is not a relative path inside "
                              "the directory");
    m.files.push_back(line);
  }
  if (n == 0) fail(file.string(), "damaged: empty");
  std::sort(m.files.begin(), m.files.end());
  return m;
}

void write_manifest(const fs::path& dir, const Manifest& m) {
  for (const auto& f : m.files) {
    if (!safe_relative(f) || f.find('\n') != std::string::npos)
      fail(dir.string(), "cannot list '" + f + "' in the manifest");
  }
  const fs::path file = dir / kManifestFile, tmp = dir / (std::string(kManifestFile) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << manifest_text(m);
    out.close();
    if (!out) fail(tmp.string(), "cannot write (disk full or not writable?)");
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) fail(file.string(), "cannot write: " + reason(ec));
}

std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (is_real_dir(it->path())) {
      if (fs::exists(fs::symlink_status(it->path() / kStagingMarker, ec)))
        it.disable_recursion_pending();
      continue;
    }
    const std::string rel = it->path().lexically_relative(dir).generic_string();
    if (rel != kManifestFile) out.push_back(rel);
  }
  if (ec) fail(dir.string(), "cannot list: " + reason(ec));
  std::sort(out.begin(), out.end());
  return out;
}

void remove_listed(const fs::path& dir, const std::vector<std::string>& files) {
  std::set<std::string> dirs;
  std::error_code ec;
  for (const auto& f : files) {
    if (!safe_relative(f)) continue;
    add_parents(f, dirs);
    const fs::path p = dir / f;
    if (!is_real_dir(p)) fs::remove(p, ec);  // a file, or a link (never what it points to)
  }
  std::vector<std::string> deepest_first(dirs.begin(), dirs.end());
  std::sort(deepest_first.begin(), deepest_first.end(), [](const auto& a, const auto& b) {
    return std::count(a.begin(), a.end(), '/') > std::count(b.begin(), b.end(), '/');
  });
  for (const auto& d : deepest_first) {
    if (is_real_dir(dir / d)) fs::remove(dir / d, ec);  // only succeeds when empty
  }
}

// ---- what --out may be ----

fs::path check_out(const fs::path& dir, const std::string& kind,
                   const std::vector<std::string>& replaceable) {
  if (dir.empty()) fail("--out", "empty output directory");
  const std::string where = "--out " + dir.string();
  std::error_code ec;
  fs::path abs = fs::absolute(dir, ec);
  if (ec) fail(where, reason(ec));
  abs = abs.lexically_normal();
  if (!abs.has_filename() && abs.has_relative_path()) abs = abs.parent_path();  // "d/" -> "d"
  // Replacing the working directory (`--out .`) or one that holds it would take the ground from
  // under the user's shell, and whatever else is there with it.
  const fs::path cwd = fs::current_path(ec);
  if (!ec) {
    for (fs::path p = cwd;; p = p.parent_path()) {
      std::error_code ec2;
      if (p == abs || fs::equivalent(p, abs, ec2)) {
        fail(where,
             p == cwd ? "is the current directory, which spikepipe never writes its output into"
                      : "contains the current directory, which spikepipe never replaces",
             "a directory of its own, e.g. --out traces/" + kind);
      }
      if (p == p.root_path() || !p.has_relative_path()) break;
    }
  }
  const fs::file_status st = fs::symlink_status(abs, ec);
  if (fs::is_symlink(st)) fail(where, "is a symbolic link", "the directory it points to");
  if (!fs::exists(st)) return abs;
  if (!fs::is_directory(st)) fail(where, "exists and is not a directory");
  if (fs::is_empty(abs, ec) && !ec) return abs;
  std::optional<Manifest> m;
  try {
    m = read_manifest(abs);
  } catch (const Error& e) {
    fail(where, std::string("not replaced: ") + e.what());
  }
  if (!m) {
    fail(where,
         "not replaced: it is not empty and has no " + std::string(kManifestFile) +
             ", so it is not a spikepipe output (or is one from before manifests) and nothing in "
             "it is removed",
         "a new or empty directory, or an earlier spikepipe " + joined(replaceable, 5, " or ") +
             " output; delete the directory yourself to reuse it");
  }
  if (std::find(replaceable.begin(), replaceable.end(), m->kind) == replaceable.end()) {
    fail(where, "holds a spikepipe " + m->kind + " output, which a " + kind + " does not replace",
         "a new or empty directory, or an earlier spikepipe " + joined(replaceable, 5, " or ") +
             " output");
  }
  return abs;
}

// ---- leftovers of killed processes ----

void remove_stale(const fs::path& base, const std::string& name) {
  const std::string tmp = "." + name + ".tmp-", old = "." + name + ".old-";
  std::vector<std::string> removed, left, restored;
  std::error_code ec;
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(base, ec)) found.push_back(e.path());
  std::sort(found.begin(), found.end());
  const std::string marker = marker_text();
  for (const fs::path& p : found) {
    const std::string n = p.filename().string();
    const long tpid = pid_after(n, tmp, true), opid = pid_after(n, old, false);
    const long pid = tpid > 0 ? tpid : opid;
    if (pid <= 0 || pid == ::getpid() || !is_real_dir(p) || !dead(pid)) continue;
    if (tpid > 0) {
      // Ours when it carries our marker from this host (a pid means nothing on another one).
      const fs::path mk = p / kStagingMarker;
      if (fs::exists(fs::symlink_status(mk, ec))) {
        if (read_text(mk) != marker) continue;
        fs::remove_all(p, ec);
      } else {
        fs::remove(p, ec);  // killed before it wrote anything: empty
      }
    } else if (!fs::exists(fs::symlink_status(base / name, ec))) {
      // Killed between the two renames of a commit: the earlier output goes back into place.
      fs::rename(p, base / name, ec);
      if (!ec) {
        restored.push_back(p.string() + " -> " + (base / name).string());
        continue;
      }
    } else {
      // An earlier output moved aside while being replaced: only what its manifest lists goes.
      std::optional<Manifest> m;
      try {
        m = read_manifest(p);
      } catch (const Error&) {
      }
      if (m) {
        remove_listed(p, m->files);
        fs::remove(p / kManifestFile, ec);
      }
      fs::remove(p, ec);
    }
    (fs::exists(fs::symlink_status(p, ec)) ? left : removed).push_back(p.string());
  }
  if (removed.empty() && left.empty() && restored.empty()) return;
  std::string line = "spikepipe: ";
  if (!restored.empty()) line += "restored the output of a killed run: " + joined(restored);
  if (!removed.empty())
    line += std::string(restored.empty() ? "" : "; ") + "removed " +
            std::to_string(removed.size()) + " stale temporary director" +
            (removed.size() == 1 ? "y" : "ies") + " of killed runs: " + joined(removed);
  if (!left.empty())
    line += std::string(removed.empty() && restored.empty() ? "" : "; ") + "left " + joined(left) +
            " of a killed run in place: it holds files spikepipe did not write";
  std::cerr << line << "\n";
}

// ---- OutputDir ----

namespace {
// A run and a compare may replace each other (the same files); any other kind only its own.
std::vector<std::string> replaceable_by(const std::string& kind) {
  if (kind == "run" || kind == "compare") return {"run", "compare"};
  return {kind};
}
}  // namespace

OutputDir::OutputDir(fs::path dir, std::string kind) : kind_(std::move(kind)) {
  final_ = check_out(dir, kind_, replaceable_by(kind_));
  std::error_code ec;
  // Missing parents of DIR are created only by commit(), so that a run that fails leaves no
  // empty folders behind: until then the staging directory lives in the nearest existing one.
  fs::path base = final_.parent_path();
  while (!fs::exists(base, ec) && base.has_relative_path()) base = base.parent_path();
  if (!fs::is_directory(base, ec)) {
    fail("--out " + dir.string(), "cannot create " + final_.parent_path().string() + ": " +
                                      base.string() + " is not a directory");
  }
  remove_stale(base, final_.filename().string());
  static std::atomic<unsigned> serial{0};  // several outputs of one process may share a base
  const std::string stem = "." + final_.filename().string() + ".tmp-" + std::to_string(::getpid());
  do {
    const unsigned n = serial++;
    staging_ = base / (stem + (n ? "-" + std::to_string(n) : ""));
  } while (fs::exists(fs::symlink_status(staging_, ec)));
  slot_ = interrupts::add_dir(staging_);  // before it exists: no moment it could be left behind
  if (!fs::create_directory(staging_, ec) || ec) {
    interrupts::remove_dir(slot_);
    fail("--out " + dir.string(),
         "cannot write in " + base.string() + (ec ? ": " + reason(ec) : ""));
  }
  std::ofstream(staging_ / kStagingMarker, std::ios::binary) << marker_text();
}

OutputDir::~OutputDir() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  interrupts::remove_dir(slot_);
}

void OutputDir::write(const std::string& name, const std::string& content) {
  write_file(name, content, false);
}

void OutputDir::append(const std::string& name, const std::string& content) {
  write_file(name, content, true);
}

void OutputDir::write_file(const std::string& name, const std::string& content, bool append) {
  if (committed_) fail("output " + final_.string(), "already committed");
  if (name.empty() || name.find('/') != std::string::npos || name == kManifestFile ||
      name == kStagingMarker)
    fail("output", "bad file name '" + name + "'");
  const fs::path p = staging_ / name;
  std::ofstream out(p, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) fail("output " + p.string(), "cannot write (disk full or not writable?)");
}

void OutputDir::commit() {
  if (committed_) return;
  const std::string where = "--out " + final_.string();
  std::error_code ec;
  // The staging directories of child processes that were killed are no part of the output.
  for (auto it = fs::recursive_directory_iterator(staging_, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (is_real_dir(it->path()) && fs::exists(it->path() / kStagingMarker)) {
      fs::remove_all(it->path(), ec);
      it.disable_recursion_pending();
    }
  }
  fs::remove(staging_ / kStagingMarker, ec);
  const std::vector<std::string> files = files_under(staging_);
  write_manifest(staging_, {kind_, files});  // last: a directory with it is complete

  interrupts::Deferred quiet;  // no interrupt between the renames below
  // The parents missing so far, deepest first: made now, removed again if the move fails.
  std::vector<fs::path> made;
  for (fs::path p = final_.parent_path(); !fs::exists(p, ec) && p.has_relative_path();
       p = p.parent_path())
    made.push_back(p);
  auto unmake = [&] {
    std::error_code ec2;
    for (const auto& p : made) fs::remove(p, ec2);  // only removes it while empty
  };
  fs::create_directories(final_.parent_path(), ec);
  if (ec) {
    unmake();
    fail(where, "cannot create " + final_.parent_path().string() + ": " + reason(ec));
  }
  const bool had = fs::exists(fs::symlink_status(final_, ec));
  std::optional<Manifest> old_m;
  std::vector<std::string> keep;  // the user's entries in the old DIR, carried over
  if (had) {
    // Checked again: DIR may have changed during the run.
    check_out(final_, kind_, replaceable_by(kind_));
    old_m = read_manifest(final_);
    keep = foreign_entries(final_, old_m ? &*old_m : nullptr);
    std::vector<std::string> mine = files;
    mine.push_back(kManifestFile);
    for (const auto& u : keep) {
      for (const auto& f : mine) {
        if (f == u || under(f, u) || under(u, f)) {
          fail(where,
               "not replaced: " + u + " there is not spikepipe's (not in its " +
                   std::string(kManifestFile) + ") and the new output has " + f,
               "move " + u + " away, or another --out");
        }
      }
    }
  }
  const fs::path old = final_.parent_path() /
                       ("." + final_.filename().string() + ".old-" + std::to_string(::getpid()));
  if (had) {
    if (fs::exists(fs::symlink_status(old, ec)))
      fail(where, "cannot replace the old directory: " + old.string() + " is in the way");
    fs::rename(final_, old, ec);
    if (ec) fail(where, "cannot replace the old directory: " + reason(ec));
  }
  fs::rename(staging_, final_, ec);
  if (ec) {
    std::error_code ec2;
    if (had) fs::rename(old, final_, ec2);  // put the old results back
    unmake();
    fail(where, "cannot move the results into place: " + reason(ec));
  }
  committed_ = true;
  interrupts::remove_dir(slot_);
  if (!had) return;
  std::vector<std::string> stuck;
  for (const auto& u : keep) {
    fs::create_directories((final_ / u).parent_path(), ec);
    fs::rename(old / u, final_ / u, ec);
    if (ec) stuck.push_back(u);
  }
  if (old_m) remove_listed(old, old_m->files);
  fs::remove(old / kManifestFile, ec);
  fs::remove(old, ec);  // empty now, unless a file of the user's could not be moved back
  if (!stuck.empty()) {
    std::cerr << "spikepipe: warning: could not move " << joined(stuck) << " (not written by "
              << "spikepipe) into the new " << final_.string() << "; it is in " << old.string()
              << "\n";
  }
}

// ---- ResumableDir ----

ResumableDir::ResumableDir(fs::path dir, std::string kind) {
  const std::string where = "--out " + dir.string();
  dir_ = check_out(dir, kind, {kind});
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) fail(where, "cannot create the directory: " + reason(ec));
  const fs::path lock = dir_ / kLockFile;
  fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) fail(where, "cannot create " + lock.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    if (e == EWOULDBLOCK)
      fail(where,
           "another " + kind + " is writing into " + dir_.string() + " (it holds " + lock.string() +
               ")",
           "wait until it ends, or another --out");
    fail(where, "cannot lock " + lock.string() + ": " + std::strerror(e));
  }
  if (!read_manifest(dir_)) write_manifest(dir_, {kind, {kLockFile}});
}

ResumableDir::~ResumableDir() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock; the file stays (removing it would race)
}

}  // namespace spikepipe
