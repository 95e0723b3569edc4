#include "spikepipe/train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "spikepipe/core/error.h"

namespace spikepipe::train {

template <class S>
WeightStash<S>::WeightStash(Weights<S> w0, std::vector<uint32_t> delays, double lr, double momentum)
    : d_(std::move(delays)), lr_(lr), mom_(momentum) {
  if (d_.empty()) d_.assign(w0.w.size(), 0);
  if (d_.size() != w0.w.size())
    fail("delays", std::to_string(d_.size()) + " delays for " + std::to_string(w0.w.size()) + " layers");
  for (auto& w : w0.w) {
    vel_.emplace_back(mom_ != 0.0 ? w.size() : 0, S(0));
    v_.emplace_back();
    v_.back().push_back(std::move(w));
  }
}

template <class S>
std::vector<const std::vector<S>*> WeightStash<S>::versions_for_step() const {
  // The deque holds W(max(0, k - d) .. k): its front is the version iteration k reads.
  std::vector<const std::vector<S>*> out;
  for (const auto& q : v_) out.push_back(&q.front());
  return out;
}

template <class S>
void WeightStash<S>::update(const std::vector<std::vector<S>>& grads) {
  const S lr = S(lr_), mom = S(mom_);
  for (size_t l = 0; l < v_.size(); ++l) {
    std::vector<S> next = v_[l].back();
    const std::vector<S>& g = grads[l];
    if (mom_ != 0.0) {
      std::vector<S>& v = vel_[l];
      for (size_t i = 0; i < next.size(); ++i) {
        v[i] = mom * v[i] + g[i];
        next[i] -= lr * v[i];
      }
    } else {
      for (size_t i = 0; i < next.size(); ++i) next[i] -= lr * g[i];
    }
    v_[l].push_back(std::move(next));
    while (v_[l].size() > size_t(d_[l]) + 1) v_[l].pop_front();
  }
  ++k_;
}

template class WeightStash<float>;
template class WeightStash<double>;

std::vector<std::vector<uint32_t>> batch_order(size_t n, uint32_t batch, uint32_t epoch, uint64_t seed) {
  std::vector<uint32_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0u);
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + epoch + 1);
  for (size_t i = n; i > 1; --i) std::swap(idx[i - 1], idx[size_t(rng() % i)]);
  std::vector<std::vector<uint32_t>> out;
  for (size_t i = 0; i + batch <= n; i += batch) out.emplace_back(idx.begin() + long(i), idx.begin() + long(i + batch));
  return out;
}

namespace {

// Copies the images and labels of one batch into contiguous buffers.
void gather(const Dataset& d, const std::vector<uint32_t>& ids, std::vector<float>& px, std::vector<uint8_t>& lb) {
  const size_t per = d.pixels_per_image();
  px.resize(ids.size() * per);
  lb.resize(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    std::copy(d.image(ids[i]), d.image(ids[i]) + per, px.begin() + long(i * per));
    lb[i] = d.labels[ids[i]];
  }
}

}  // namespace

Evaluation evaluate(Snn<float>& snn, const std::vector<const std::vector<float>*>& w,
                    const Dataset& data, uint32_t batch, uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0x5EEDE7A1ull);
  const size_t per = data.pixels_per_image();
  double loss = 0;
  uint64_t correct = 0;
  for (size_t i = 0; i < data.count(); i += batch) {
    const uint32_t b = uint32_t(std::min<size_t>(batch, data.count() - i));
    const StepResult<float> r = snn.step(w, data.pixels.data() + i * per, data.labels.data() + i, b, rng, false);
    loss += r.loss * b;
    correct += r.correct;
  }
  const double n = double(std::max<size_t>(1, data.count()));
  return {loss / n, double(correct) / n};
}

TrainResult train_snn(const Network& net, const Dataset& train, const Dataset& test,
                      const TrainConfig& cfg, const Progress& progress) {
  const uint32_t classes = std::max(train.classes, test.classes);
  check_trainable(net, train.rows, train.cols, classes);
  if (test.rows != train.rows || test.cols != train.cols) fail("test data", "image size differs from the training data");
  const uint32_t B = net.batch;
  if (train.count() < B)
    fail("--train-samples", std::to_string(train.count()) + " training samples for a batch of " + std::to_string(B),
         "at least one batch");
  Snn<float> snn(net, cfg.engine);
  WeightStash<float> stash(init_weights<float>(net, cfg.seed, cfg.init_scale), cfg.delays, cfg.lr, cfg.momentum);
  std::mt19937_64 rng(cfg.seed + 1);  // rate coding of the training batches
  TrainResult res;
  std::vector<float> px;
  std::vector<uint8_t> lb;
  auto newest = [&] {
    std::vector<const std::vector<float>*> w;
    for (size_t l = 0; l < net.layers.size(); ++l) w.push_back(&stash.newest(l));
    return w;
  };
  auto eval_now = [&]() {
    const Evaluation e = evaluate(snn, newest(), test, B, cfg.seed);
    res.evals.push_back({stash.iteration(), e.loss, e.accuracy});
    if (cfg.target_accuracy > 0 && res.iterations_to_target < 0 && e.accuracy >= cfg.target_accuracy)
      res.iterations_to_target = int64_t(stash.iteration());
    return e;
  };
  bool stop = false;
  for (uint32_t ep = 0; ep < cfg.epochs && !stop; ++ep) {
    stash.set_lr(cfg.lr * std::pow(cfg.lr_decay, double(ep)));
    const auto t0 = std::chrono::steady_clock::now();
    double eval_s = 0, loss = 0;
    uint64_t correct = 0, seen = 0;
    const auto batches = batch_order(train.count(), B, ep, cfg.seed);
    for (size_t bi = 0; bi < batches.size(); ++bi) {
      gather(train, batches[bi], px, lb);
      const StepResult<float> r = snn.step(stash.versions_for_step(), px.data(), lb.data(), B, rng, true);
      stash.update(r.grads);
      loss += r.loss * B;
      correct += r.correct;
      seen += B;
      if (cfg.eval_every && stash.iteration() % cfg.eval_every == 0 && bi + 1 < batches.size()) {
        const auto e0 = std::chrono::steady_clock::now();
        const Evaluation e = eval_now();
        eval_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count();
        if (progress) {
          char line[160];
          std::snprintf(line, sizeof line, "iteration %llu: test accuracy %.4f, loss %.4f",
                        (unsigned long long)stash.iteration(), e.accuracy, e.loss);
          progress(line);
        }
        if (cfg.stop_at_target && res.iterations_to_target >= 0) {
          stop = true;
          break;
        }
      }
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() - eval_s;
    EpochRecord rec;
    rec.epoch = ep + 1;
    rec.iterations = stash.iteration();
    rec.train_loss = loss / double(std::max<uint64_t>(1, seen));
    rec.train_accuracy = double(correct) / double(std::max<uint64_t>(1, seen));
    rec.seconds = secs;
    const Evaluation e = eval_now();
    rec.test_loss = e.loss;
    rec.test_accuracy = e.accuracy;
    res.epochs.push_back(rec);
    res.train_seconds += secs;
    if (progress) {
      char line[200];
      std::snprintf(line, sizeof line,
                    "epoch %u (%llu iterations): train loss %.4f accuracy %.4f | test loss %.4f accuracy %.4f | %.1f s",
                    rec.epoch, (unsigned long long)rec.iterations, rec.train_loss, rec.train_accuracy,
                    rec.test_loss, rec.test_accuracy, secs);
      progress(line);
    }
    if (cfg.stop_at_target && res.iterations_to_target >= 0) stop = true;
  }
  return res;
}

}  // namespace spikepipe::train
