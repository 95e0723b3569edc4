#pragma once
// Atomic output of a run: files go into a temporary sibling directory, which replaces DIR only
// when commit() is called. A run that fails (or an OutputDir destroyed without commit) leaves DIR
// as it was and removes the temporary directory: nothing half-written is ever visible.
#include <filesystem>
#include <string>

namespace spikepipe {

class OutputDir {
 public:
  // Creates the temporary directory at once, so that an unwritable DIR fails before the run.
  // Throws Error naming the directory; also when DIR exists, is not empty and holds no earlier
  // output (summary.json or compare.csv), since committing would delete its contents.
  explicit OutputDir(std::filesystem::path dir);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  const std::filesystem::path& final_path() const { return final_; }  // absolute
  const std::filesystem::path& staging_path() const { return staging_; }

  // Writes NAME (a file name, no directories) into the staging directory; throws Error.
  void write(const std::string& name, const std::string& content);
  // Replaces DIR by the staging directory. Throws Error; after a failure DIR is unchanged.
  void commit();

 private:
  std::filesystem::path final_, staging_;
  bool committed_ = false;
};

}  // namespace spikepipe
