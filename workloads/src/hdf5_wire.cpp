// h5::Group <-> bytes, the answer of the child that walks an HDF5 file (hdf5_isolated.cpp). Both
// ends are this program, but a child killed mid-write leaves a cut stream: every read is bounded
// and the stream must end exactly where the tree does.
#include <cstring>
#include <string>

#include "spikepipe/workloads/hdf5_isolated.h"

namespace spikepipe::h5 {

namespace {

constexpr char kMagic[] = "spikepipe-h5-tree-v1";

void put_u64(std::string& out, uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }
void put_str(std::string& out, const std::string& s) {
  put_u64(out, s.size());
  out += s;
}

void put_value(std::string& out, const Value& v) {
  out += char(v.kind);
  put_u64(out, v.dims.size());
  for (uint64_t d : v.dims) put_u64(out, d);
  put_u64(out, v.num.size());
  out.append(reinterpret_cast<const char*>(v.num.data()), v.num.size() * sizeof(double));
  put_u64(out, v.str.size());
  for (const auto& s : v.str) put_str(out, s);
  out += char((v.empty ? 1 : 0) | (v.values_read ? 2 : 0) | (v.constant ? 4 : 0));
  out.append(reinterpret_cast<const char*>(&v.fill), sizeof(double));
}

void put_group(std::string& out, const Group& g) {
  put_u64(out, g.string_attrs.size());
  for (const auto& [k, v] : g.string_attrs) {
    put_str(out, k);
    put_str(out, v);
  }
  put_u64(out, g.data.size());
  for (const auto& [k, v] : g.data) {
    put_str(out, k);
    put_value(out, v);
  }
  put_u64(out, g.groups.size());
  for (const auto& [k, sub] : g.groups) {
    put_str(out, k);
    put_group(out, sub);
  }
}

class Reader {
 public:
  explicit Reader(const std::string& b) : b_(b) {}

  void take(void* out, size_t n) {
    if (n == 0) return;  // an empty vector's data() may be null, which memcpy must not get
    if (n > b_.size() - pos_) bad();
    std::memcpy(out, b_.data() + pos_, n);
    pos_ += n;
  }
  uint64_t u64() {
    uint64_t v;
    take(&v, 8);
    return v;
  }
  // A count of items of at least `min_bytes` each: never more than the bytes left can hold.
  uint64_t count(size_t min_bytes) {
    const uint64_t n = u64();
    if (n > (b_.size() - pos_) / min_bytes) bad();
    return n;
  }
  char byte() {
    char c;
    take(&c, 1);
    return c;
  }
  std::string str() {
    std::string s(count(1), '\0');
    take(s.data(), s.size());
    return s;
  }
  bool at_end() const { return pos_ == b_.size(); }
  [[noreturn]] static void bad() { throw Error("the HDF5 reader's answer is cut short or malformed"); }

  Value value() {
    Value v;
    const char kind = byte();
    if (kind < char(Value::Kind::Float) || kind > char(Value::Kind::String)) bad();
    v.kind = Value::Kind(kind);
    v.dims.resize(count(8));
    for (auto& d : v.dims) d = u64();
    v.num.resize(count(sizeof(double)));
    take(v.num.data(), v.num.size() * sizeof(double));
    v.str.resize(count(8));
    for (auto& s : v.str) s = str();
    const char flags = byte();
    v.empty = flags & 1;
    v.values_read = flags & 2;
    v.constant = flags & 4;
    take(&v.fill, sizeof(double));
    return v;
  }

  void group(Group& g, int depth) {
    if (depth > 80) bad();  // the reader stops at 64
    for (uint64_t n = count(16); n > 0; --n) {
      std::string k = str();
      g.string_attrs[k] = str();
    }
    for (uint64_t n = count(8); n > 0; --n) {
      std::string k = str();
      g.data[k] = value();
    }
    for (uint64_t n = count(8); n > 0; --n) {
      std::string k = str();
      group(g.groups[k], depth + 1);
    }
  }

 private:
  const std::string& b_;
  size_t pos_ = 0;
};

}  // namespace

std::string encode(const Group& g) {
  std::string out(kMagic);
  put_group(out, g);
  out += kMagic;  // the end: a stream cut anywhere before it is refused
  return out;
}

Group decode(const std::string& bytes) {
  const size_t m = std::strlen(kMagic);
  if (bytes.size() < 2 * m || bytes.compare(0, m, kMagic) != 0 ||
      bytes.compare(bytes.size() - m, m, kMagic) != 0)
    Reader::bad();
  const std::string body = bytes.substr(m, bytes.size() - 2 * m);
  Reader r(body);
  Group g;
  r.group(g, 0);
  if (!r.at_end()) Reader::bad();
  return g;
}

}  // namespace spikepipe::h5
