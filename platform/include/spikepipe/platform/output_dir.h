#pragma once
// Output directories that can only ever remove what spikepipe wrote (docs/RELIABILITY.md).
//
// Every output directory (a run, a compare, a sweep) carries a manifest, `.spikepipe-manifest`:
// the relative paths of the files spikepipe wrote there, one per line, sorted, after a header
// line naming the kind of output. It holds no pid, time or absolute path, so two identical runs
// into two directories write identical manifests.
//
// `--out DIR` is accepted when DIR does not exist, is empty, or holds an output of a kind the
// command may replace (its manifest says so). DIR is refused when it is a directory of the
// user's (not empty, no manifest), the current directory or one of its ancestors, or a symbolic
// link. Replacing an earlier output removes exactly the files its manifest lists, then the
// directories those imply if they end up empty: a file the user added (notes, a plot) stays.
//
// Atomic output of a run: files go into a temporary sibling directory `.NAME.tmp-PID`, which
// replaces DIR only when commit() is called. A run that fails (or an OutputDir destroyed without
// commit) leaves DIR as it was and removes the temporary directory: nothing half-written is ever
// visible. An interrupt (SIGINT/SIGTERM/SIGHUP, see interrupts.h) removes it too; one left by a
// killed process (SIGKILL) is removed by the next OutputDir of the same DIR, which says so on
// stderr.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace spikepipe {

inline constexpr const char* kManifestFile = ".spikepipe-manifest";
// In a staging directory until commit: marks it as spikepipe's, for the stale clean-up.
inline constexpr const char* kStagingMarker = ".spikepipe-staging";
// The lock file of a directory that a command fills over time (a sweep).
inline constexpr const char* kLockFile = ".spikepipe-lock";

struct Manifest {
  std::string kind;                // "run", "compare", "sweep"
  std::vector<std::string> files;  // relative, '/'-separated, sorted, without the manifest
};

// DIR/.spikepipe-manifest, or nullopt when there is none. Throws Error naming the file when it is
// damaged (an absolute path, "..", an empty line, no header).
std::optional<Manifest> read_manifest(const std::filesystem::path& dir);
std::string manifest_text(const Manifest& m);  // sorts and deduplicates a copy of m.files
// Writes DIR/.spikepipe-manifest through a temporary file and a rename. Throws Error.
void write_manifest(const std::filesystem::path& dir, const Manifest& m);
// Every file under DIR (not following symbolic links), relative and sorted, without DIR's own
// manifest; directories that hold a staging marker (a killed child's) are skipped.
std::vector<std::string> files_under(const std::filesystem::path& dir);
// Removes from DIR the files listed, then the directories they imply, deepest first, each only if
// it is then empty. Returns nothing: a file that is already gone is fine.
void remove_listed(const std::filesystem::path& dir, const std::vector<std::string>& files);

// Checks that DIR may be the --out of a command writing KIND (see above) and returns it absolute
// and normalised. REPLACEABLE: the kinds of earlier output that may be there. Throws Error (one
// line: "--out DIR: ..."), changing nothing.
std::filesystem::path check_out(const std::filesystem::path& dir, const std::string& kind,
                                const std::vector<std::string>& replaceable);

// Removes the staging (and half-replaced) directories of DIR left by killed processes: siblings
// `.NAME.tmp-PID[-N]` and `.NAME.old-PID` in BASE whose PID no longer exists (kill(PID, 0) fails
// with ESRCH) and that carry spikepipe's marker (staging) or manifest (old); prints one line on
// stderr when it removed or left something.
void remove_stale(const std::filesystem::path& base, const std::string& name);

class OutputDir {
 public:
  // Checks DIR (check_out: KIND "run" or "compare", each may replace the other, or another kind
  // such as "noc", which replaces only its own) and creates the
  // temporary directory at once, so that an unwritable or refused DIR fails before the run.
  // Throws Error naming the directory.
  explicit OutputDir(std::filesystem::path dir, std::string kind = "run");
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  const std::filesystem::path& final_path() const { return final_; }  // absolute
  const std::filesystem::path& staging_path() const { return staging_; }

  // Writes NAME (a file name, no directories) into the staging directory; throws Error.
  void write(const std::string& name, const std::string& content);
  // Appends to a file written (or created) by this output: for files built in pieces.
  void append(const std::string& name, const std::string& content);
  // Writes the manifest (every file in the staging directory, so also those that child processes
  // wrote there) and replaces DIR by the staging directory, keeping files of the user's that were
  // in DIR. Throws Error; after a failure DIR is unchanged. Refuses (before changing anything)
  // when a file of the user's is where the new output has a file.
  void commit();

 private:
  void write_file(const std::string& name, const std::string& content, bool append);
  std::filesystem::path final_, staging_;
  std::string kind_;
  int slot_ = -1;  // registration for removal on interrupt
  bool committed_ = false;
};

// A directory that a command fills over time and can resume (a sweep): checked as above
// (KIND only replaces KIND, and is resumed rather than replaced), created, locked with flock on
// DIR/.spikepipe-lock so that a second command into it refuses while this one runs, and given a
// manifest at once. The lock lasts as long as the object.
class ResumableDir {
 public:
  ResumableDir(std::filesystem::path dir, std::string kind);
  ~ResumableDir();
  ResumableDir(const ResumableDir&) = delete;
  ResumableDir& operator=(const ResumableDir&) = delete;
  const std::filesystem::path& path() const { return dir_; }  // absolute

 private:
  std::filesystem::path dir_;
  int fd_ = -1;
};

}  // namespace spikepipe
