#pragma once
// Image classification data for training: the IDX files of MNIST / Fashion-MNIST (plain or
// gzip-compressed), read by our own loader. Debian's dataset-fashion-mnist package installs them
// in /usr/share/datasets/fashion-mnist (scripts/setup.sh installs it).
#include <cstdint>
#include <string>
#include <vector>

namespace spikepipe::train {

struct Dataset {
  uint32_t rows = 0, cols = 0;        // image size (channels: 1)
  std::vector<float> pixels;          // count * rows * cols, in [0, 1], row-major per image
  std::vector<uint8_t> labels;        // count
  uint32_t classes = 0;               // max label + 1
  size_t count() const { return labels.size(); }
  size_t pixels_per_image() const { return size_t(rows) * cols; }
  const float* image(size_t i) const { return pixels.data() + i * pixels_per_image(); }
};

// Reads an IDX image file (magic 0x00000803) and its label file (0x00000801). Either may be
// gzip-compressed (detected by its magic bytes, not its name). `limit` > 0 keeps only the first
// `limit` samples (the subset mode). Throws Error naming the file and what is wrong with it: not
// found, not IDX, wrong magic, truncated, counts that disagree, a label out of range.
Dataset load_idx(const std::string& images_file, const std::string& labels_file, size_t limit = 0);

// The default data directory: $SPIKEPIPE_DATA_DIR if set, else /usr/share/datasets/fashion-mnist.
std::string default_data_dir();

// train-images-idx3-ubyte[.gz] / train-labels-idx1-ubyte[.gz] (or t10k-... when !train) in `dir`;
// whichever of the plain and .gz names exists. Throws Error naming the directory when neither
// does, and how to get the files.
Dataset load_split(const std::string& dir, bool train, size_t limit = 0);

}  // namespace spikepipe::train
