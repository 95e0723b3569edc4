#include "spikepipe/train/snn.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "spikepipe/core/error.h"

namespace spikepipe::train {

Encoding parse_encoding(const std::string& s) {
  if (s == "direct") return Encoding::Direct;
  if (s == "rate") return Encoding::Rate;
  fail("--encoding", "unknown encoding '" + s + "'", "direct, rate");
}
Loss parse_loss(const std::string& s) {
  if (s == "membrane") return Loss::Membrane;
  if (s == "count") return Loss::Count;
  fail("--loss", "unknown loss '" + s + "'", "membrane, count");
}
const char* to_string(Encoding e) { return e == Encoding::Direct ? "direct" : "rate"; }
const char* to_string(Loss l) { return l == Loss::Membrane ? "membrane" : "count"; }

int set_threads(int n) {
  Eigen::setNbThreads(std::max(1, n));
  return Eigen::nbThreads();
}

namespace {

// Uniform in [0, 1) from the raw generator: the same numbers on every standard library.
double uniform01(std::mt19937_64& r) { return double(r() >> 11) * 0x1.0p-53; }

struct Geom {
  bool fc = true;
  uint32_t in_h = 1, in_w = 1, in_c = 1, kh = 1, kw = 1, stride = 1, pad = 0;
  uint32_t oh = 1, ow = 1, cout = 1, pool = 1, ph = 1, pw = 1;
  size_t K = 0, P = 0, N = 0, in = 0, out = 0;
};

Geom geom_of(const Layer& L) {
  Geom g;
  g.fc = L.kind == LayerKind::FC;
  g.in_h = L.in_h, g.in_w = L.in_w, g.in_c = L.in_c;
  g.kh = L.kernel_h, g.kw = L.kernel_w, g.stride = L.stride, g.pad = L.pad;
  g.oh = L.conv_h(), g.ow = L.conv_w(), g.cout = L.out_c, g.pool = L.pool;
  g.ph = L.out_h(), g.pw = L.out_w();
  g.K = L.fan_in(), g.P = L.positions(), g.N = L.neurons(), g.in = L.inputs(), g.out = L.outputs();
  return g;
}

}  // namespace

void check_trainable(const Network& net, uint32_t rows, uint32_t cols, uint32_t classes) {
  const std::string where = "network " + net.name;
  if (net.layers.empty()) fail(where, "has no layers");
  if (!net.chained) fail(where, "is a topology import (layers not chained): the engine trains chained networks");
  if (net.in_c != 1 || net.in_h != rows || net.in_w != cols)
    fail(where, "input " + std::to_string(net.in_h) + "x" + std::to_string(net.in_w) + "x" +
                    std::to_string(net.in_c) + " does not match the data's " + std::to_string(rows) +
                    "x" + std::to_string(cols) + "x1 images");
  for (const Layer& L : net.layers) {
    const std::string layer = where + ", layer " + L.name;
    if (L.kind != LayerKind::FC && L.kind != LayerKind::Conv)
      fail(layer, "the engine trains fc and conv layers (with pooling) only");
    // What a NIR import can describe but the engine's one LIF model cannot train: refused, not
    // trained as something else.
    if (L.recurrent)
      fail(layer, "is recurrent (its output feeds back through W_rec): the engine trains "
                  "feed-forward layers only");
    const LayerNeuron& n = L.neuron;
    if (n.model.empty()) continue;
    if (n.synaptic || !n.spiking)
      fail(layer, "has a " + n.model + " neuron: the engine trains the network's one LIF neuron "
                  "(the `neuron` key) only");
    const NeuronParams& p = n.params;
    const NeuronParams& q = net.neuron;
    if (n.per_neuron || p.c != q.c || p.lambda != q.lambda || p.theta != q.theta ||
        p.reset != q.reset || n.v_leak != 0 || n.v_reset != 0)
      fail(layer, "has its own " + n.model + " parameters (from its file): the engine trains "
                  "every layer with the network's one `neuron`");
  }
  const Layer& last = net.layers.back();
  if (last.outputs() != classes || last.pool != 1)
    fail(where + ", layer " + last.name,
         "the output layer has " + std::to_string(last.outputs()) + " outputs for " +
             std::to_string(classes) + " classes", "one output neuron per class, no pooling");
}

template <class S>
Weights<S> init_weights(const Network& net, uint64_t seed, double init_scale) {
  std::mt19937_64 rng(seed);
  Weights<S> w;
  for (const Layer& L : net.layers) {
    const double a = init_scale / std::sqrt(double(L.fan_in()));
    std::vector<S> v(L.weights());
    for (S& x : v) x = S((2.0 * uniform01(rng) - 1.0) * a);
    w.w.push_back(std::move(v));
  }
  return w;
}

template <class S>
struct Snn<S>::Impl {
  using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
  using Arr = Eigen::Array<S, Eigen::Dynamic, Eigen::Dynamic>;
  using CMap = Eigen::Map<const Mat>;

  EngineOptions opt;
  std::vector<Geom> g;
  uint32_t T = 1;
  S c, lambda, theta, width;
  bool subtract = false;

  struct State {
    Mat x;              // layer 0 only: the encoded input ([in x B] when static, else [in x T*B])
    bool static_x = false;
    Mat I, u, s, out;   // I: [N x B] when static else [N x T*B]; out: pooled spikes
    std::vector<int32_t> arg;  // pooling: the neuron row each pooled output came from
  };
  std::vector<State> st;
  Mat cols, y;  // scratch

  // The input of layer l: the encoded images, or the previous layer's (pooled) spikes.
  const Mat& input(size_t l) const {
    if (l == 0) return st[0].x;
    const State& p = st[l - 1];
    return g[l - 1].pool > 1 ? p.out : p.s;
  }

  // im2col of B samples (the columns of X): [K x P*B], column b*P + p.
  void im2col(const Geom& G, const Eigen::Ref<const Mat>& X) {
    const size_t B = size_t(X.cols());
    cols.resize(Eigen::Index(G.K), Eigen::Index(G.P * B));
    for (size_t b = 0; b < B; ++b)
      for (uint32_t oy = 0; oy < G.oh; ++oy)
        for (uint32_t ox = 0; ox < G.ow; ++ox) {
          S* col = cols.col(Eigen::Index(b * G.P + oy * G.ow + ox)).data();
          size_t k = 0;
          for (uint32_t ci = 0; ci < G.in_c; ++ci)
            for (uint32_t ky = 0; ky < G.kh; ++ky)
              for (uint32_t kx = 0; kx < G.kw; ++kx) {
                const int iy = int(oy * G.stride + ky) - int(G.pad);
                const int ix = int(ox * G.stride + kx) - int(G.pad);
                col[k++] = (iy < 0 || ix < 0 || iy >= int(G.in_h) || ix >= int(G.in_w))
                               ? S(0)
                               : X(Eigen::Index((size_t(ci) * G.in_h + iy) * G.in_w + ix), Eigen::Index(b));
              }
        }
  }
  // The reverse: accumulates cols [K x P*B] into E [in x B].
  void col2im(const Geom& G, const Mat& C, Eigen::Ref<Mat> E) {
    const size_t B = size_t(E.cols());
    E.setZero();
    for (size_t b = 0; b < B; ++b)
      for (uint32_t oy = 0; oy < G.oh; ++oy)
        for (uint32_t ox = 0; ox < G.ow; ++ox) {
          const S* col = C.col(Eigen::Index(b * G.P + oy * G.ow + ox)).data();
          size_t k = 0;
          for (uint32_t ci = 0; ci < G.in_c; ++ci)
            for (uint32_t ky = 0; ky < G.kh; ++ky)
              for (uint32_t kx = 0; kx < G.kw; ++kx, ++k) {
                const int iy = int(oy * G.stride + ky) - int(G.pad);
                const int ix = int(ox * G.stride + kx) - int(G.pad);
                if (iy < 0 || ix < 0 || iy >= int(G.in_h) || ix >= int(G.in_w)) continue;
                E(Eigen::Index((size_t(ci) * G.in_h + iy) * G.in_w + ix), Eigen::Index(b)) += col[k];
              }
        }
  }

  // I = W * X for the columns of X (samples of one or all steps): [N x cols].
  void current(const Geom& G, const Eigen::Ref<const Mat>& W, const Eigen::Ref<const Mat>& X, Eigen::Ref<Mat> I) {
    if (G.fc) {
      I.noalias() = W * X;
      return;
    }
    im2col(G, X);
    y.noalias() = W * cols;  // [cout x P*B]
    for (Eigen::Index b = 0; b < X.cols(); ++b)
      Eigen::Map<Mat>(I.col(b).data(), Eigen::Index(G.P), Eigen::Index(G.cout)) =
          y.middleCols(b * Eigen::Index(G.P), Eigen::Index(G.P)).transpose();
  }

  S spike(S v) const {
    const S x = v - theta;
    if (!opt.smooth) return x >= S(0) ? S(1) : S(0);
    const S w = width;
    if (x <= -w) return S(0);
    if (x < S(0)) return (x + w) * (x + w) / (S(2) * w * w);
    if (x < w) return S(1) - (w - x) * (w - x) / (S(2) * w * w);
    return S(1);
  }
  S surrogate(S v) const {
    const S x = std::abs(v - theta);
    return x < width ? (S(1) - x / width) / width : S(0);
  }

  void forward(size_t l, const Eigen::Ref<const Mat>& W, uint32_t B) {
    const Geom& G = g[l];
    State& L = st[l];
    const Mat& X = input(l);
    const bool stat = l == 0 && st[0].static_x;
    const Eigen::Index n = Eigen::Index(G.N), tb = Eigen::Index(T) * B;
    if (stat) {
      L.I.resize(n, B);
      current(G, W, X, L.I);
    } else {
      L.I.resize(n, tb);
      if (G.fc)
        current(G, W, X, L.I);
      else
        for (uint32_t t = 0; t < T; ++t)
          current(G, W, X.middleCols(Eigen::Index(t) * B, B), L.I.middleCols(Eigen::Index(t) * B, B));
    }
    L.u.resize(n, tb);
    L.s.resize(n, tb);
    for (uint32_t t = 0; t < T; ++t) {
      const Eigen::Index c0 = Eigen::Index(t) * B;
      auto It = stat ? L.I.middleCols(0, B) : L.I.middleCols(c0, B);
      auto ut = L.u.middleCols(c0, B);
      if (t == 0) {
        ut = c * It;
      } else {
        auto up = L.u.middleCols(c0 - B, B).array();
        auto sp = L.s.middleCols(c0 - B, B).array();
        if (subtract)
          ut.array() = lambda * (up - theta * sp) + c * It.array();
        else
          ut.array() = lambda * up * (S(1) - sp) + c * It.array();
      }
      L.s.middleCols(c0, B) = ut.unaryExpr([this](S v) { return spike(v); });
    }
    if (G.pool > 1) {
      L.out.resize(Eigen::Index(G.out), tb);
      L.arg.resize(G.out * size_t(tb));
      for (Eigen::Index j = 0; j < tb; ++j)
        for (uint32_t co = 0; co < G.cout; ++co)
          for (uint32_t py = 0; py < G.ph; ++py)
            for (uint32_t px = 0; px < G.pw; ++px) {
              const size_t o = (size_t(co) * G.ph + py) * G.pw + px;
              Eigen::Index best = -1;
              S bv = 0;
              for (uint32_t dy = 0; dy < G.pool; ++dy)
                for (uint32_t dx = 0; dx < G.pool; ++dx) {
                  const Eigen::Index r =
                      Eigen::Index(size_t(co) * G.P + size_t(py * G.pool + dy) * G.ow + px * G.pool + dx);
                  if (best < 0 || L.s(r, j) > bv) best = r, bv = L.s(r, j);
                }
              L.out(Eigen::Index(o), j) = bv;
              L.arg[size_t(j) * G.out + o] = int32_t(best);
            }
    }
  }

  // e_s: dL/ds of layer l ([N x T*B]), direct: dL/du from the loss (may be empty). Returns the
  // weight gradient into grad and, for l > 0, dL/d(input of l) into e_in.
  void backward(size_t l, const Eigen::Ref<const Mat>& W, uint32_t B, const Mat& e_s, const Mat* direct, Mat& grad,
                Mat* e_in) {
    const Geom& G = g[l];
    State& L = st[l];
    const Eigen::Index n = Eigen::Index(G.N), tb = Eigen::Index(T) * B;
    Mat D(n, tb);
    Arr gn = Arr::Zero(n, B);
    for (int t = int(T) - 1; t >= 0; --t) {
      const Eigen::Index c0 = Eigen::Index(t) * B;
      const auto ut = L.u.middleCols(c0, B).array();
      const auto stt = L.s.middleCols(c0, B).array();
      Arr dlds = e_s.middleCols(c0, B).array();
      if (!opt.detach_reset) {
        if (subtract)
          dlds -= lambda * theta * gn;
        else
          dlds -= lambda * ut * gn;
      }
      Arr gt = dlds * ut.unaryExpr([this](S v) { return surrogate(v); });
      if (direct) gt += direct->middleCols(c0, B).array();
      if (subtract)
        gt += lambda * gn;
      else
        gt += lambda * (S(1) - stt) * gn;
      D.middleCols(c0, B) = c * gt.matrix();
      gn = gt;
    }
    const Mat& X = input(l);
    const bool stat = l == 0 && st[0].static_x;
    if (G.fc) {
      if (stat) {
        Mat Ds = Mat::Zero(n, B);
        for (uint32_t t = 0; t < T; ++t) Ds += D.middleCols(Eigen::Index(t) * B, B);
        grad.noalias() = Ds * X.transpose();
      } else {
        grad.noalias() = D * X.transpose();
      }
      if (e_in) e_in->noalias() = W.transpose() * D;
      return;
    }
    grad.setZero(Eigen::Index(G.cout), Eigen::Index(G.K));
    if (e_in) e_in->resize(Eigen::Index(G.in), tb);
    Mat dY(Eigen::Index(G.cout), Eigen::Index(G.P) * B), ec;
    auto gather = [&](const Eigen::Ref<const Mat>& Dt) {
      for (Eigen::Index b = 0; b < B; ++b)
        dY.middleCols(b * Eigen::Index(G.P), Eigen::Index(G.P)) =
            Eigen::Map<const Mat>(Dt.col(b).data(), Eigen::Index(G.P), Eigen::Index(G.cout)).transpose();
    };
    if (stat) {
      Mat Ds = Mat::Zero(n, B);
      for (uint32_t t = 0; t < T; ++t) Ds += D.middleCols(Eigen::Index(t) * B, B);
      gather(Ds);
      im2col(G, X);
      grad.noalias() += dY * cols.transpose();
      return;  // the first layer sends no error
    }
    for (uint32_t t = 0; t < T; ++t) {
      const Eigen::Index c0 = Eigen::Index(t) * B;
      gather(D.middleCols(c0, B));
      im2col(G, X.middleCols(c0, B));
      grad.noalias() += dY * cols.transpose();
      if (e_in) {
        ec.noalias() = W.transpose() * dY;
        col2im(G, ec, e_in->middleCols(c0, B));
      }
    }
  }
};

template <class S>
Snn<S>::Snn(const Network& net, EngineOptions opt) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.opt = opt;
  for (const Layer& L : net.layers) m.g.push_back(geom_of(L));
  m.T = net.timesteps;
  m.c = S(net.neuron.c);
  m.lambda = S(net.neuron.lambda);
  m.theta = S(net.neuron.theta);
  m.width = S(net.neuron.surrogate_width);
  m.subtract = net.neuron.reset == ResetMode::Subtract;
  if (!(m.width > S(0))) fail("network " + net.name, "surrogate_width must be > 0 for training");
  m.st.resize(net.layers.size());
}

template <class S>
Snn<S>::~Snn() = default;

template <class S>
StepResult<S> Snn<S>::step(const std::vector<const std::vector<S>*>& w, const float* images,
                           const uint8_t* labels, uint32_t B, std::mt19937_64& rng, bool backward) {
  using Mat = typename Impl::Mat;
  Impl& m = *impl_;
  const size_t nl = m.g.size();
  const uint32_t T = m.T;
  const Eigen::Index in = Eigen::Index(m.g[0].in), tb = Eigen::Index(T) * B;
  std::vector<Eigen::Map<const Mat>> W;
  for (size_t l = 0; l < nl; ++l)
    W.emplace_back(w[l]->data(), Eigen::Index(m.g[l].cout), Eigen::Index(m.g[l].K));

  // Encoding.
  typename Impl::State& s0 = m.st[0];
  if (m.opt.encoding == Encoding::Direct) {
    s0.static_x = true;
    s0.x.resize(in, B);
    for (uint32_t b = 0; b < B; ++b)
      for (Eigen::Index i = 0; i < in; ++i) s0.x(i, b) = S(images[size_t(b) * size_t(in) + size_t(i)]);
  } else {
    s0.static_x = false;
    s0.x.resize(in, tb);
    for (uint32_t t = 0; t < T; ++t)
      for (uint32_t b = 0; b < B; ++b)
        for (Eigen::Index i = 0; i < in; ++i)
          s0.x(i, Eigen::Index(t) * B + b) =
              uniform01(rng) < double(images[size_t(b) * size_t(in) + size_t(i)]) ? S(1) : S(0);
  }
  for (size_t l = 0; l < nl; ++l) {
    m.forward(l, W[l], B);
  }

  // Loss: softmax cross-entropy over the logits of the output layer.
  const typename Impl::State& Ls = m.st[nl - 1];
  const Eigen::Index K = Eigen::Index(m.g[nl - 1].N);
  Mat logits = Mat::Zero(K, B);
  for (uint32_t t = 0; t < T; ++t)
    logits += (m.opt.loss == Loss::Membrane ? Ls.u : Ls.s).middleCols(Eigen::Index(t) * B, B);
  if (m.opt.loss == Loss::Membrane) logits /= S(T);
  StepResult<S> r;
  for (size_t l = 0; l < nl; ++l) r.firing.push_back(double(m.st[l].s.mean()));
  Mat dlogits(K, B);
  double loss = 0;
  for (uint32_t b = 0; b < B; ++b) {
    Eigen::Index best = 0;
    const S mx = logits.col(b).maxCoeff(&best);
    if (uint32_t(best) == labels[b]) ++r.correct;
    const auto e = (logits.col(b).array() - mx).exp();
    const S sum = e.sum();
    loss += double(std::log(sum) - (logits(labels[b], b) - mx));
    dlogits.col(b) = e.matrix() / sum;
    dlogits(labels[b], b) -= S(1);
  }
  r.loss = loss / B;
  if (!backward) return r;
  dlogits /= S(B);

  r.grads.resize(nl);
  Mat e_s = Mat::Zero(K, tb), direct, e_in, grad;
  if (m.opt.loss == Loss::Membrane) {
    direct.resize(K, tb);
    for (uint32_t t = 0; t < T; ++t) direct.middleCols(Eigen::Index(t) * B, B) = dlogits / S(T);
  } else {
    for (uint32_t t = 0; t < T; ++t) e_s.middleCols(Eigen::Index(t) * B, B) = dlogits;
  }
  for (size_t l = nl; l-- > 0;) {
    m.backward(l, W[l], B, e_s, l == nl - 1 && direct.size() ? &direct : nullptr, grad,
               l > 0 ? &e_in : nullptr);
    r.grads[l].assign(grad.data(), grad.data() + grad.size());
    if (l == 0) break;
    // dL/d(pooled spikes of l-1) -> dL/d(spikes of l-1).
    const Geom& P = m.g[l - 1];
    if (P.pool > 1) {
      e_s.setZero(Eigen::Index(P.N), tb);
      const auto& arg = m.st[l - 1].arg;
      for (Eigen::Index j = 0; j < tb; ++j)
        for (size_t o = 0; o < P.out; ++o) e_s(arg[size_t(j) * P.out + o], j) += e_in(Eigen::Index(o), j);
    } else {
      e_s.swap(e_in);
    }
  }
  return r;
}

template class Snn<float>;
template class Snn<double>;
template Weights<float> init_weights<float>(const Network&, uint64_t, double);
template Weights<double> init_weights<double>(const Network&, uint64_t, double);

}  // namespace spikepipe::train
