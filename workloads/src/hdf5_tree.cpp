// HDF5 <-> h5::Group with the C API. HDF5's automatic error stack printing is switched off: every
// failure becomes one spikepipe::Error naming the file and the object.
#include "spikepipe/workloads/hdf5_tree.h"

#include <hdf5.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "spikepipe/core/error.h"
#include "spikepipe/core/text.h"

namespace spikepipe::h5 {

uint64_t Value::elements() const {
  if (empty) return 0;
  uint64_t n = 1;
  for (uint64_t d : dims) n *= d;
  return n;
}

const Value* Group::value(const std::string& k) const {
  const auto it = data.find(k);
  return it == data.end() ? nullptr : &it->second;
}

const Group* Group::group(const std::string& k) const {
  const auto it = groups.find(k);
  return it == groups.end() ? nullptr : &it->second;
}

namespace {

// Closes an HDF5 handle of any kind on scope exit.
class Handle {
 public:
  explicit Handle(hid_t id = -1) : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0) {
      const H5I_type_t t = H5Iget_type(id_);
      if (t == H5I_FILE) H5Fclose(id_);
      else if (t == H5I_GROUP) H5Gclose(id_);
      else if (t == H5I_DATASET) H5Dclose(id_);
      else if (t == H5I_DATASPACE) H5Sclose(id_);
      else if (t == H5I_DATATYPE) H5Tclose(id_);
      else if (t == H5I_ATTR) H5Aclose(id_);
      else if (t == H5I_GENPROP_LST) H5Pclose(id_);
    }
  }
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
};

void quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

const unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

// HDF5 allocates a variable-length string of the length its heap reference claims (fuzz_nir: a
// damaged reference claimed 2 GiB). Reads of datasets allocate the strings through these instead:
// a string longer than kMaxString fails the read, which then says so. (libhdf5 1.10 allocates and
// clears a conversion buffer of the claimed size before it asks for the string: hence
// check_string_lengths() below, first.)
constexpr size_t kMaxString = size_t(1) << 20;
void* bounded_alloc(size_t size, void*) { return size > kMaxString + 1 ? nullptr : std::malloc(size); }
void bounded_free(void* p, void*) { std::free(p); }

// The file's bytes, for the one check HDF5 does not make (check_string_lengths): the image in
// memory, or the path of the file on disk.
struct Source {
  const unsigned char* data = nullptr;
  size_t size = 0;
  std::string path;

  // `len` bytes at `offset`; false if the file has fewer.
  bool read(uint64_t offset, size_t len, unsigned char* out) const {
    if (data) {
      if (offset > size || len > size - offset) return false;
      std::memcpy(out, data + offset, len);
      return true;
    }
    std::ifstream in(path, std::ios::binary);
    in.seekg(std::streamoff(offset));
    return bool(in.read(reinterpret_cast<char*>(out), std::streamsize(len)));
  }
  uint64_t bytes() const {
    if (data) return size;
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    return in ? uint64_t(in.tellg()) : 0;
  }
};

// A variable-length string on disk is a reference (length u32, heap address, index u32) into a
// global heap. libhdf5 1.10 allocates and clears a buffer of the claimed length before it finds
// that the heap holds less (fuzz_nir: 2 GiB for a 40 kB file), so the lengths of a contiguous
// dataset are checked here first, against kMaxString and the file's size. Compact and chunked
// datasets (h5py and our writer store strings contiguous) are left to the allocator below.
void check_string_lengths(hid_t d, uint64_t n, const Source& src, const std::string& where) {
  Handle dcpl(H5Dget_create_plist(d));
  if (!dcpl.ok() || H5Pget_layout(dcpl.get()) != H5D_CONTIGUOUS) return;
  const haddr_t offset = H5Dget_offset(d);
  if (offset == HADDR_UNDEF) return;  // never written: no references
  Handle file(H5Iget_file_id(d));
  Handle fcpl(file.ok() ? H5Fget_create_plist(file.get()) : -1);
  size_t sizeof_addr = 0, sizeof_size = 0;
  if (!fcpl.ok() || H5Pget_sizes(fcpl.get(), &sizeof_addr, &sizeof_size) < 0 || sizeof_addr == 0 ||
      sizeof_addr > 8)
    return;
  const size_t each = 4 + sizeof_addr + 4;
  const uint64_t file_bytes = src.bytes();
  const uint64_t limit = std::min<uint64_t>(kMaxString, file_bytes);
  // Little-endian unsigned of `len` bytes (HDF5's on-disk integers).
  auto le = [](const unsigned char* p, size_t len) {
    uint64_t x = 0;
    for (size_t k = len; k-- > 0;) x = x << 8 | p[k];
    return x;
  };
  // Heap addresses count from the superblock (after a user block of 512, 1024, ... bytes).
  uint64_t base = 0;
  for (uint64_t off = 0; off + 8 <= file_bytes; off = off ? off * 2 : 512) {
    unsigned char sig[8];
    if (src.read(off, 8, sig) && std::memcmp(sig, kSignature, 8) == 0) {
      base = off;
      break;
    }
  }
  std::vector<unsigned char> ref(each);
  std::map<uint64_t, std::map<uint64_t, uint64_t>> heaps;  // collection -> object index -> size
  for (uint64_t i = 0; i < n; ++i) {
    if (!src.read(offset + i * each, each, ref.data())) fail(where, "cannot read the strings");
    const uint64_t len = le(ref.data(), 4);
    if (len > limit)
      fail(where, "a string of " + std::to_string(len) + " bytes in a file of " +
                      std::to_string(file_bytes) + " bytes",
           "at most " + std::to_string(kMaxString) + " bytes each");
    // libhdf5 1.10 copies a heap object of the size the heap collection says, past the end of
    // the collection if it says so (fuzz_nir: a memcpy of 18 GB out of 4 kB). Each collection
    // the strings use is walked once: every object must lie inside it, and it inside the file.
    const uint64_t heap = le(ref.data() + 4, sizeof_addr), index = le(ref.data() + 4 + sizeof_addr, 4);
    if (len == 0) continue;
    auto damaged = [&](const std::string& what) {
      fail(where, "the strings' heap at " + std::to_string(heap) + " is damaged: " + what);
    };
    // libhdf5 also takes the reference's object index and copies the object's size into a buffer
    // of the reference's length without checking either (a crash in H5HG_read).
    auto check_reference = [&](const std::map<uint64_t, uint64_t>& objects) {
      const auto it = objects.find(index);
      if (index == 0 || it == objects.end())
        damaged("a string refers to object " + std::to_string(index) + ", which it does not hold");
      if (it->second > len)
        damaged("object " + std::to_string(index) + " of " + std::to_string(it->second) +
                " bytes for a string of " + std::to_string(len));
    };
    if (const auto known = heaps.find(heap); known != heaps.end()) {
      check_reference(known->second);
      continue;
    }
    std::map<uint64_t, uint64_t>& objects = heaps[heap];
    const size_t head = (8 + sizeof_size + 7) / 8 * 8;  // "GCOL", version, 3 reserved, size
    std::vector<unsigned char> h(head);
    if (heap > file_bytes || !src.read(base + heap, head, h.data()) || std::memcmp(h.data(), "GCOL", 4) != 0)
      damaged("no heap collection there");
    const uint64_t size = le(h.data() + 8, sizeof_size);
    if (size < head || base + heap > file_bytes || size > file_bytes - base - heap)
      damaged("a collection of " + std::to_string(size) + " bytes");
    std::vector<unsigned char> c(size);
    if (!src.read(base + heap, size, c.data())) damaged("cannot read it");
    // Objects as libhdf5 walks them (H5HG__cache_heap_deserialize): index u16, references u16,
    // reserved u32, size, then the data padded to 8; index 0 is free space of `size` bytes.
    const size_t obj_head = (8 + sizeof_size + 7) / 8 * 8;
    for (uint64_t p = head; p + obj_head <= size;) {
      const uint64_t idx = le(&c[p], 2), obj = le(&c[p + 8], sizeof_size);
      const uint64_t need = idx == 0 ? obj : obj_head + (obj > size ? size : (obj + 7) / 8 * 8);
      if (obj > size || need == 0 || need > size - p)
        damaged("object " + std::to_string(idx) + " of " + std::to_string(obj) + " bytes");
      if (idx != 0) objects[idx] = obj;
      p += need;
    }
    check_reference(objects);
  }
}

// Strings of a dataset or attribute (variable or fixed length).
std::vector<std::string> read_strings(hid_t obj, hid_t ftype, uint64_t n, bool attr,
                                      const std::string& where, const Source* src = nullptr) {
  std::vector<std::string> out;
  if (n == 0) return out;
  if (H5Tis_variable_str(ftype) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(ftype));
    if (attr) {  // attributes are read only when they hold one string (H5Aread takes no dxpl)
      char* p = nullptr;
      const herr_t r = H5Aread(obj, mem.get(), &p);
      if (r >= 0) out.emplace_back(p ? p : "");
      H5free_memory(p);
      if (r < 0) fail(where, "cannot read the strings");
      return out;
    }
    if (src) check_string_lengths(obj, n, *src, where);
    Handle dxpl(H5Pcreate(H5P_DATASET_XFER));
    if (!dxpl.ok() || H5Pset_vlen_mem_manager(dxpl.get(), bounded_alloc, nullptr, bounded_free,
                                              nullptr) < 0)
      fail(where, "cannot read the strings");
    if (n == 1) {
      char* p = nullptr;
      const herr_t r = H5Dread(obj, mem.get(), H5S_ALL, H5S_ALL, dxpl.get(), &p);
      if (r >= 0) out.emplace_back(p ? p : "");
      std::free(p);
      if (r < 0) fail(where, "cannot read the strings", "at most " + std::to_string(kMaxString) + " bytes each");
      return out;
    }
    // One string per read: HDF5 1.10 converts a list into a buffer of its own and, when a later
    // string cannot be read (a damaged heap reference), drops that buffer with the strings it had
    // already allocated (fuzz_nir: a leak inside libhdf5). A read of one string leaves nothing.
    Handle fspace(H5Dget_space(obj));
    const int nd = H5Sget_simple_extent_ndims(fspace.get());
    if (nd < 1 || nd > 32) fail(where, "cannot read the strings");
    std::vector<hsize_t> dims(size_t(nd), 0), coord(size_t(nd), 0);
    H5Sget_simple_extent_dims(fspace.get(), dims.data(), nullptr);
    const hsize_t one = 1;
    Handle mspace(H5Screate_simple(1, &one, nullptr));
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t rest = i;
      for (size_t k = dims.size(); k-- > 0;) {
        coord[k] = dims[k] ? rest % dims[k] : 0;
        rest = dims[k] ? rest / dims[k] : 0;
      }
      char* p = nullptr;
      const herr_t r =
          H5Sselect_elements(fspace.get(), H5S_SELECT_SET, 1, coord.data()) < 0
              ? -1
              : H5Dread(obj, mem.get(), mspace.get(), fspace.get(), dxpl.get(), &p);
      if (r >= 0) out.emplace_back(p ? p : "");
      std::free(p);
      if (r < 0) fail(where, "cannot read the strings", "at most " + std::to_string(kMaxString) + " bytes each");
    }
    return out;
  }
  const size_t size = H5Tget_size(ftype);
  if (size == 0 || size > (1u << 20)) fail(where, "string of " + std::to_string(size) + " bytes");
  Handle mem(H5Tcopy(H5T_C_S1));
  H5Tset_size(mem.get(), size);
  std::vector<char> buf(n * size);
  const herr_t r = attr ? H5Aread(obj, mem.get(), buf.data())
                        : H5Dread(obj, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
  if (r < 0) fail(where, "cannot read the strings");
  for (uint64_t i = 0; i < n; ++i) {
    const char* p = buf.data() + i * size;
    out.emplace_back(p, strnlen(p, size));
  }
  return out;
}

Value read_dataset(hid_t d, const std::string& where, bool shape_only, uint64_t max_values,
                   const Source& src) {
  Value v;
  Handle space(H5Dget_space(d));
  Handle ftype(H5Dget_type(d));
  if (!space.ok() || !ftype.ok()) fail(where, "unreadable dataset");
  const H5S_class_t sc = H5Sget_simple_extent_type(space.get());
  if (sc == H5S_NULL) {
    v.empty = true;
  } else {
    const int nd = H5Sget_simple_extent_ndims(space.get());
    if (nd < 0 || nd > 32) fail(where, "dataset of " + std::to_string(nd) + " dimensions");
    std::vector<hsize_t> dims(size_t(nd), 0);
    if (nd > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    for (hsize_t x : dims) v.dims.push_back(uint64_t(x));
    v.empty = v.elements() == 0;
  }
  const uint64_t n = v.elements();
  const H5T_class_t cls = H5Tget_class(ftype.get());
  if (cls == H5T_STRING) {
    v.kind = Value::Kind::String;
    if (n > max_values) fail(where, std::to_string(n) + " strings", "at most " + std::to_string(max_values));
    v.str = read_strings(d, ftype.get(), n, false, where, &src);
    return v;
  }
  if (cls != H5T_INTEGER && cls != H5T_FLOAT && cls != H5T_ENUM)
    fail(where, "a dataset of an HDF5 type that is neither number nor string",
         "numbers (integer, float, bool) and strings");
  v.kind = cls == H5T_FLOAT ? Value::Kind::Float : Value::Kind::Int;
  if (shape_only || n == 0) {
    v.values_read = n == 0;
    return v;
  }
  if (n > max_values)
    fail(where, std::to_string(n) + " values", "at most " + std::to_string(max_values) +
                                                    " values in a parameter array");
  v.num.resize(n);
  if (cls == H5T_ENUM) {  // h5py's bool: an enum over int8, which HDF5 will not convert to double
    Handle native(H5Tget_native_type(ftype.get(), H5T_DIR_ASCEND));
    const size_t size = H5Tget_size(native.get());
    if (size != 1 && size != 2 && size != 4 && size != 8) fail(where, "enum of an odd size");
    std::vector<unsigned char> raw(n * size);
    if (H5Dread(d, native.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
      fail(where, "cannot read the values");
    for (uint64_t i = 0; i < n; ++i) {
      int64_t x = 0;
      if (size == 1) x = int8_t(raw[i]);
      else if (size == 2) { int16_t t; std::memcpy(&t, &raw[i * 2], 2); x = t; }
      else if (size == 4) { int32_t t; std::memcpy(&t, &raw[i * 4], 4); x = t; }
      else { std::memcpy(&x, &raw[i * 8], 8); }
      v.num[i] = double(x);
    }
    return v;
  }
  if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.num.data()) < 0)
    fail(where, "cannot read the values");
  return v;
}

void read_group(hid_t g, const std::string& file, const std::string& path, Group& out,
                const std::vector<std::string>& shape_only, uint64_t max_values, int depth,
                uint64_t& objects, const Source& src) {
  if (depth > 64) fail(file + ": " + path, "groups nested more than 64 deep");
  H5G_info_t info;
  if (H5Gget_info(g, &info) < 0) fail(file + ": " + path, "unreadable group");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    if (++objects > (1u << 20)) fail(file, "more than 1048576 objects");
    const ssize_t len =
        H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (len < 0) fail(file + ": " + path, "unreadable link name");
    std::string name(size_t(len) + 1, '\0');
    H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(size_t(len));
    const std::string child = path == "/" ? "/" + name : path + "/" + name;
    Handle obj(H5Oopen(g, name.c_str(), H5P_DEFAULT));
    if (!obj.ok()) fail(file + ": " + printable(child), "cannot open (a dangling or external link?)");
    const H5I_type_t t = H5Iget_type(obj.get());
    if (t == H5I_GROUP) {
      read_group(obj.get(), file, child, out.groups[name], shape_only, max_values, depth + 1,
                 objects, src);
    } else if (t == H5I_DATASET) {
      bool only = false;
      for (const auto& s : shape_only) only = only || s == name;
      out.data[name] =
          read_dataset(obj.get(), file + ": " + printable(child), only, max_values, src);
    }  // named datatypes are ignored
  }
  // String attributes (nir writes "version" as a dataset; some writers use an attribute).
  H5O_info_t oinfo;
#if H5_VERSION_GE(1, 12, 0)
  if (H5Oget_info3(g, &oinfo, H5O_INFO_NUM_ATTRS) < 0) return;
#else
  if (H5Oget_info2(g, &oinfo, H5O_INFO_NUM_ATTRS) < 0) return;
#endif
  for (hsize_t i = 0; i < oinfo.num_attrs && i < 256; ++i) {
    Handle a(H5Aopen_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT));
    if (!a.ok()) continue;
    const ssize_t len = H5Aget_name(a.get(), 0, nullptr);
    if (len <= 0) continue;
    std::string name(size_t(len) + 1, '\0');
    H5Aget_name(a.get(), name.size(), name.data());
    name.resize(size_t(len));
    Handle type(H5Aget_type(a.get()));
    Handle space(H5Aget_space(a.get()));
    if (H5Tget_class(type.get()) != H5T_STRING) continue;
    if (H5Sget_simple_extent_npoints(space.get()) != 1) continue;
    const auto s = read_strings(a.get(), type.get(), 1, true, file + ": " + path + "@" + name);
    out.string_attrs[name] = s.front();
  }
}

// ---- writing ----

hid_t string_type() {
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

void write_value(hid_t g, const std::string& name, const Value& v, const std::string& where) {
  std::vector<hsize_t> dims(v.dims.begin(), v.dims.end());
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(int(dims.size()), dims.data(), nullptr));
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  Handle owned_type(v.kind == Value::Kind::String ? string_type() : -1);
  hid_t ftype_id = -1, mtype = -1;
  if (v.kind == Value::Kind::String) {
    ftype_id = mtype = owned_type.get();
  } else if (v.kind == Value::Kind::Int) {
    ftype_id = H5T_STD_I64LE;
    mtype = H5T_NATIVE_DOUBLE;
  } else {
    ftype_id = H5T_IEEE_F32LE;
    mtype = H5T_NATIVE_DOUBLE;
  }
  if (v.constant) {
    // Chunked, compressed and never written: every element reads as the fill value.
    std::vector<hsize_t> chunk(dims.size());
    uint64_t total = 1;
    for (size_t i = dims.size(); i-- > 0;) {
      chunk[i] = std::max<hsize_t>(1, std::min<hsize_t>(dims[i], total >= 65536 ? 1 : 65536 / total));
      total *= chunk[i];
    }
    if (!dims.empty()) {
      H5Pset_chunk(dcpl.get(), int(dims.size()), chunk.data());
      H5Pset_deflate(dcpl.get(), 4);
    }
    H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &v.fill);
    H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_ALLOC);
    H5Pset_alloc_time(dcpl.get(), dims.empty() ? H5D_ALLOC_TIME_LATE : H5D_ALLOC_TIME_INCR);
  }
  Handle d(H5Dcreate2(g, name.c_str(), ftype_id, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
  if (!d.ok()) fail(where, "cannot create dataset " + name);
  herr_t r = 0;
  if (!dims.empty() && v.elements() == 0) {
    // an empty array: nothing to write
  } else if (v.kind == Value::Kind::String) {
    std::vector<const char*> p;
    for (const auto& s : v.str) p.push_back(s.c_str());
    r = H5Dwrite(d.get(), mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data());
  } else if (v.constant && dims.empty()) {
    r = H5Dwrite(d.get(), mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v.fill);
  } else if (!v.constant) {
    r = H5Dwrite(d.get(), mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.num.data());
  }
  if (r < 0) fail(where, "cannot write dataset " + name);
}

void write_group(hid_t g, const Group& grp, const std::string& where) {
  for (const auto& [name, v] : grp.data) write_value(g, name, v, where);
  for (const auto& [name, sub] : grp.groups) {
    Handle c(H5Gcreate2(g, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (!c.ok()) fail(where, "cannot create group " + name);
    write_group(c.get(), sub, where);
  }
  for (const auto& [name, s] : grp.string_attrs) {
    Handle type(string_type());
    Handle space(H5Screate(H5S_SCALAR));
    Handle a(H5Acreate2(g, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    const char* p = s.c_str();
    if (!a.ok() || H5Awrite(a.get(), type.get(), &p) < 0)
      fail(where, "cannot write attribute " + name);
  }
}

}  // namespace

bool has_hdf5_signature_in(const void* data, size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (uint64_t off = 0; off <= (uint64_t(1) << 30) && off + 8 <= size; off = off ? off * 2 : 512)
    if (std::memcmp(p + off, kSignature, 8) == 0) return true;
  return false;
}

bool has_hdf5_signature(const std::string& path) {
  const unsigned char* sig = kSignature;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  for (uint64_t off = 0; off <= (uint64_t(1) << 30); off = off ? off * 2 : 512) {
    in.clear();
    in.seekg(std::streamoff(off));
    unsigned char buf[8] = {};
    if (!in.read(reinterpret_cast<char*>(buf), 8)) return false;
    if (std::memcmp(buf, sig, 8) == 0) return true;
  }
  return false;
}

namespace {

Group read_open_file(hid_t file, const std::string& path, const std::vector<std::string>& shape_only,
                     uint64_t max_values, const Source& src) {
  Handle f(file);
  if (!f.ok()) fail(path, "HDF5 cannot open the file (damaged or truncated?)");
  Handle root(H5Gopen2(f.get(), "/", H5P_DEFAULT));
  if (!root.ok()) fail(path, "HDF5 cannot open the root group");
  Group out;
  uint64_t objects = 0;
  read_group(root.get(), path, "/", out, shape_only, max_values, 0, objects, src);
  return out;
}

}  // namespace

Group read_file(const std::string& path, const std::vector<std::string>& shape_only,
                uint64_t max_values) {
  quiet();
  Source src;
  src.path = path;
  return read_open_file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), path, shape_only,
                        max_values, src);
}

Group read_image(const void* data, size_t size, const std::string& name,
                 const std::vector<std::string>& shape_only, uint64_t max_values) {
  quiet();
  if (size == 0) fail(name, "HDF5 cannot open the file (damaged or truncated?)");
  // The core driver on a copy of the image, never written back: no file is opened or created.
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  if (!fapl.ok() || H5Pset_fapl_core(fapl.get(), 64 * 1024, 0) < 0 ||
      H5Pset_file_image(fapl.get(), const_cast<void*>(data), size) < 0)
    fail(name, "HDF5 cannot hold the file in memory");
  // The core driver refuses a name that exists on disk ("file already exists") and HDF5 shares an
  // open file of the same name: a fresh name no file can have.
  static std::atomic<uint64_t> images{0};
  const std::string internal = "/nonexistent/spikepipe-hdf5-image-" + std::to_string(++images);
  Source src;
  src.data = static_cast<const unsigned char*>(data);
  src.size = size;
  return read_open_file(H5Fopen(internal.c_str(), H5F_ACC_RDONLY, fapl.get()), name, shape_only,
                        max_values, src);
}

void write_file(const std::string& path, const Group& root) {
  quiet();
  Handle f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  if (!f.ok()) fail(path, "cannot create the file");
  write_group(f.get(), root, path);
  if (H5Fflush(f.get(), H5F_SCOPE_GLOBAL) < 0) fail(path, "cannot write the file");
}

Value text(const std::string& s) { return texts({s}, {}); }

Value texts(const std::vector<std::string>& s, const std::vector<uint64_t>& dims) {
  Value v;
  v.kind = Value::Kind::String;
  v.str = s;
  v.dims = dims;
  return v;
}

Value integer(int64_t x) {
  Value v;
  v.kind = Value::Kind::Int;
  v.num = {double(x)};
  return v;
}

Value integers(const std::vector<int64_t>& x) {
  Value v;
  v.kind = Value::Kind::Int;
  for (int64_t e : x) v.num.push_back(double(e));
  v.dims = {x.size()};
  return v;
}

Value floats(const std::vector<double>& x, const std::vector<uint64_t>& dims) {
  Value v;
  v.num = x;
  v.dims = dims;
  return v;
}

Value constant(double x, const std::vector<uint64_t>& dims) {
  Value v;
  v.constant = true;
  v.fill = x;
  v.dims = dims;
  return v;
}

}  // namespace spikepipe::h5
