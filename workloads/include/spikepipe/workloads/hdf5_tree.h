#pragma once
// A small in-memory picture of an HDF5 file's groups and datasets, read and written with the HDF5
// C library (Debian's libhdf5-dev). The NIR import and export (nir_import.cpp, nir_export.cpp)
// work on this tree only, so the graph logic never sees the HDF5 API.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace spikepipe::h5 {

struct Value {
  enum class Kind { Float, Int, String };
  Kind kind = Kind::Float;
  std::vector<uint64_t> dims;        // empty: a scalar (or an empty dataset, when `empty`)
  std::vector<double> num;           // Float and Int, when the values were read or are to be written
  std::vector<std::string> str;      // String
  bool empty = false;                // a dataset with no value (HDF5 null dataspace, h5py's None)
  bool values_read = true;           // false: only the dims were read (large weight arrays)
  // Writing: a Float array whose every element is `fill` (stored as the dataset's fill value,
  // so a large array of zeros or of one constant costs nothing on disk). num stays empty.
  bool constant = false;
  double fill = 0;

  uint64_t elements() const;
  bool is_string() const { return kind == Kind::String; }
};

struct Group {
  std::map<std::string, Value> data;
  std::map<std::string, Group> groups;
  std::map<std::string, std::string> string_attrs;  // string attributes (the root's "version")

  const Value* value(const std::string& k) const;
  const Group* group(const std::string& k) const;
};

// True if the file starts with the HDF5 signature (at offset 0, or after a user block of
// 512, 1024, ... bytes). Reads a few bytes only; false if the file cannot be read.
bool has_hdf5_signature(const std::string& path);
// The same check on bytes in memory.
bool has_hdf5_signature_in(const void* data, size_t size);

// Reads the whole file. Datasets named in `shape_only` (e.g. weight, bias) are read as dims only,
// every other numeric dataset with at most `max_values` elements is read in full (more: Error).
// Errors name the file and the object's path.
Group read_file(const std::string& path, const std::vector<std::string>& shape_only,
                uint64_t max_values);

// The same on an HDF5 file image in memory (HDF5's core driver; nothing is read from or written to
// disk); `name` names it in errors. The NIR fuzz target reads its inputs this way.
Group read_image(const void* data, size_t size, const std::string& name,
                 const std::vector<std::string>& shape_only, uint64_t max_values);

// Writes `root` as a new file (replacing any file of that name).
void write_file(const std::string& path, const Group& root);

// Builders for writing.
Value text(const std::string& s);
Value texts(const std::vector<std::string>& s, const std::vector<uint64_t>& dims);
Value integer(int64_t v);
Value integers(const std::vector<int64_t>& v);
Value floats(const std::vector<double>& v, const std::vector<uint64_t>& dims);
Value constant(double v, const std::vector<uint64_t>& dims);

}  // namespace spikepipe::h5
