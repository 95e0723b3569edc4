#include "spikepipe/train/dataset.h"

#include <zlib.h>

#include <cstdlib>
#include <filesystem>

#include "spikepipe/core/error.h"

namespace spikepipe::train {

namespace {

// The whole file, decompressed when it is gzip (zlib reads plain files unchanged too).
std::vector<uint8_t> read_all(const std::string& file) {
  if (!std::filesystem::exists(file)) fail(file, "no such file");
  gzFile f = gzopen(file.c_str(), "rb");
  if (!f) fail(file, "cannot open");
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int code = 0;
      const std::string msg = gzerror(f, &code);
      gzclose(f);
      fail(file, "corrupt gzip data (" + msg + ")");
    }
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
    if (out.size() > (size_t(1) << 31)) {
      gzclose(f);
      fail(file, "larger than 2 GiB: not an IDX file of a dataset we read");
    }
  }
  gzclose(f);
  return out;
}

uint32_t be32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
}

std::string hex(uint32_t v) {
  char s[16];
  std::snprintf(s, sizeof s, "0x%08x", v);
  return s;
}

}  // namespace

Dataset load_idx(const std::string& images_file, const std::string& labels_file, size_t limit) {
  const std::vector<uint8_t> img = read_all(images_file);
  const std::vector<uint8_t> lab = read_all(labels_file);
  if (img.size() < 16) fail(images_file, "too short for an IDX image header (" + std::to_string(img.size()) + " bytes)");
  if (be32(img, 0) != 0x00000803)
    fail(images_file, "not an IDX image file: magic " + hex(be32(img, 0)), "0x00000803, unsigned bytes, 3 dimensions");
  if (lab.size() < 8) fail(labels_file, "too short for an IDX label header (" + std::to_string(lab.size()) + " bytes)");
  if (be32(lab, 0) != 0x00000801)
    fail(labels_file, "not an IDX label file: magic " + hex(be32(lab, 0)), "0x00000801, unsigned bytes, 1 dimension");
  const uint32_t n = be32(img, 4), rows = be32(img, 8), cols = be32(img, 12);
  const uint32_t nl = be32(lab, 4);
  if (rows == 0 || cols == 0 || rows > 4096 || cols > 4096)
    fail(images_file, "image size " + std::to_string(rows) + "x" + std::to_string(cols), "1 .. 4096 each");
  const size_t per = size_t(rows) * cols;
  if (img.size() != 16 + per * n)
    fail(images_file, "truncated or padded: header says " + std::to_string(n) + " images of " +
                          std::to_string(rows) + "x" + std::to_string(cols) + " (" +
                          std::to_string(16 + per * n) + " bytes), file has " + std::to_string(img.size()));
  if (lab.size() != 8 + size_t(nl))
    fail(labels_file, "truncated or padded: header says " + std::to_string(nl) + " labels, file has " +
                          std::to_string(lab.size() - 8) + " bytes of them");
  if (n != nl)
    fail(labels_file, std::to_string(nl) + " labels for " + std::to_string(n) + " images in " + images_file);
  const size_t keep = limit ? std::min<size_t>(limit, n) : n;
  Dataset d;
  d.rows = rows;
  d.cols = cols;
  d.pixels.resize(keep * per);
  for (size_t i = 0; i < keep * per; ++i) d.pixels[i] = float(img[16 + i]) / 255.0f;
  d.labels.assign(lab.begin() + 8, lab.begin() + 8 + long(keep));
  for (size_t i = 0; i < keep; ++i) {
    if (d.labels[i] > 99)
      fail(labels_file, "label " + std::to_string(d.labels[i]) + " of sample " + std::to_string(i), "0 .. 99");
    d.classes = std::max<uint32_t>(d.classes, d.labels[i] + 1u);
  }
  return d;
}

std::string default_data_dir() {
  if (const char* e = std::getenv("SPIKEPIPE_DATA_DIR"); e && *e) return e;
  return "/usr/share/datasets/fashion-mnist";
}

Dataset load_split(const std::string& dir, bool train, size_t limit) {
  const std::string stem = train ? "train" : "t10k";
  auto find = [&](const std::string& name) {
    for (const std::string& f : {dir + "/" + name, dir + "/" + name + ".gz"})
      if (std::filesystem::exists(f)) return f;
    fail("--data " + dir, "has neither " + name + " nor " + name + ".gz",
         "a directory with the IDX files of MNIST or Fashion-MNIST; on Debian: apt-get install "
         "dataset-fashion-mnist (scripts/setup.sh), files in /usr/share/datasets/fashion-mnist");
  };
  const std::string images = find(stem + "-images-idx3-ubyte");
  const std::string labels = find(stem + "-labels-idx1-ubyte");
  return load_idx(images, labels, limit);
}

}  // namespace spikepipe::train
