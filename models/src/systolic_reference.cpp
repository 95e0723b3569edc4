// Register-level simulation; see systolic_reference.h for the timing of each dataflow.
#include "spikepipe/models/systolic_reference.h"

#include <algorithm>
#include <string>

#include "spikepipe/core/error.h"

namespace spikepipe {

Matrix gemm(const Matrix& x, const Matrix& w) {
  if (x.cols != w.rows) fail("gemm", "inner dimensions differ");
  Matrix y(x.rows, w.cols);
  for (uint32_t m = 0; m < x.rows; ++m)
    for (uint32_t k = 0; k < x.cols; ++k)
      for (uint32_t n = 0; n < w.cols; ++n) y.at(m, n) += x.at(m, k) * w.at(k, n);
  return y;
}

namespace {

struct Reg {
  int64_t v = 0;
  bool valid = false;  // carries a (possibly zero-padded) operand of this fold
  bool real = false;   // a real operand, not padding
  uint32_t tag = 0;    // stream index of a partial sum
};

// Output stationary fold: A is R x K (rows of X), B is K x C (columns of W), both zero padded.
// Returns the cycles of the fold; accumulators are added into y at [r0.., c0..].
uint64_t os_fold(const Matrix& x, const Matrix& w, uint32_t R, uint32_t C, uint32_t r0, uint32_t c0,
                 Matrix& y, uint64_t& macs) {
  const uint32_t K = x.cols;
  std::vector<Reg> a(size_t(R) * C), b(size_t(R) * C), na(a.size()), nb(b.size());
  std::vector<int64_t> acc(size_t(R) * C, 0);
  uint64_t last = 0;
  bool any = false;
  for (uint64_t t = 0; t < uint64_t(K) + R + C; ++t) {
    for (uint32_t i = 0; i < R; ++i) {
      for (uint32_t j = 0; j < C; ++j) {
        // Inputs of PE(i,j) this cycle: from the left neighbour / top neighbour registers, or the
        // skewed edge streams.
        Reg ai, bj;
        if (j == 0) {
          if (t >= i && t - i < K) {
            const uint32_t k = uint32_t(t - i), m = r0 + i;
            ai = {m < x.rows ? x.at(m, k) : 0, true, m < x.rows, 0};
          }
        } else {
          ai = a[size_t(i) * C + j - 1];
        }
        if (i == 0) {
          if (t >= j && t - j < K) {
            const uint32_t k = uint32_t(t - j), n = c0 + j;
            bj = {n < w.cols ? w.at(k, n) : 0, true, n < w.cols, 0};
          }
        } else {
          bj = b[size_t(i - 1) * C + j];
        }
        if (ai.valid && bj.valid) {
          acc[size_t(i) * C + j] += ai.v * bj.v;
          if (ai.real && bj.real) ++macs;
          last = t;
          any = true;
        }
        na[size_t(i) * C + j] = ai;
        nb[size_t(i) * C + j] = bj;
      }
    }
    a.swap(na);
    b.swap(nb);
  }
  for (uint32_t i = 0; i < R && r0 + i < y.rows; ++i)
    for (uint32_t j = 0; j < C && c0 + j < y.cols; ++j)
      y.at(r0 + i, c0 + j) += acc[size_t(i) * C + j];
  return any ? last + 1 : 0;
}

// Stationary fold: S (K_fold x C_fold) is stationary, Q (T x K) streams, out[t][c] += sum_k
// Q[t][k] * S[k][c]. `s(k, c)` and `q(t, k)` read the padded operands (k, c relative to the fold).
template <class SFn, class QFn, class OutFn>
uint64_t stationary_fold(uint32_t R, uint32_t C, uint32_t T, SFn s, QFn q, OutFn out,
                         uint64_t& macs) {
  std::vector<Reg> st(size_t(R) * C), nst(st.size());
  // Preload: R cycles, row R-1-t enters at the top and everything shifts down.
  for (uint32_t t = 0; t < R; ++t) {
    for (uint32_t i = R; i-- > 0;)
      for (uint32_t j = 0; j < C; ++j)
        nst[size_t(i) * C + j] = i == 0 ? s(R - 1 - t, j) : st[size_t(i - 1) * C + j];
    st.swap(nst);
  }
  std::vector<Reg> x(size_t(R) * C), nx(x.size()), p(size_t(R) * C), np(p.size());
  uint64_t last = 0;
  bool any = false;
  for (uint64_t t = 0; t < uint64_t(T) + R + C; ++t) {
    for (uint32_t i = 0; i < R; ++i) {
      for (uint32_t j = 0; j < C; ++j) {
        Reg xi;
        if (j == 0) {
          if (t >= i && t - i < T) xi = q(uint32_t(t - i), i);
          xi.tag = uint32_t(t - i);
        } else {
          xi = x[size_t(i) * C + j - 1];
        }
        Reg pin = i == 0 ? Reg{} : p[size_t(i - 1) * C + j];
        Reg pout;
        if (xi.valid) {
          const Reg& sw = st[size_t(i) * C + j];
          pout.v = (i == 0 ? 0 : pin.v) + xi.v * sw.v;
          pout.valid = true;
          pout.tag = xi.tag;
          if (xi.real && sw.real) ++macs;
          last = t;
          any = true;
          if (i == R - 1) out(pout.tag, j, pout.v);
        }
        nx[size_t(i) * C + j] = xi;
        np[size_t(i) * C + j] = pout;
      }
    }
    x.swap(nx);
    p.swap(np);
  }
  return any ? R + last + 1 : 0;
}

}  // namespace

ArrayRun run_systolic(const Matrix& x, const Matrix& w, uint32_t R, uint32_t C, Dataflow df) {
  if (R == 0 || R > 16) fail("reference array", "rows = " + std::to_string(R), "1..16");
  if (C == 0 || C > 16) fail("reference array", "cols = " + std::to_string(C), "1..16");
  if (x.cols != w.rows) fail("reference array", "inner dimensions differ");
  const uint32_t M = x.rows, K = x.cols, N = w.cols;
  ArrayRun r;
  r.y = Matrix(M, N);
  if (M == 0 || K == 0 || N == 0) return r;
  if (df == Dataflow::OS) {
    for (uint32_t r0 = 0; r0 < M; r0 += R)
      for (uint32_t c0 = 0; c0 < N; c0 += C) {
        r.cycles += os_fold(x, w, R, C, r0, c0, r.y, r.macs);
        ++r.folds;
      }
    return r;
  }
  // ws: stationary W (K x N) in tiles of R x C, X rows stream (T = M).
  // is: stationary X^T (K x M) in tiles of R x C, W columns stream (T = N); out is Y^T.
  const bool ws = df == Dataflow::WS;
  const uint32_t Sc = ws ? N : M, T = ws ? M : N;
  for (uint32_t k0 = 0; k0 < K; k0 += R) {
    for (uint32_t c0 = 0; c0 < Sc; c0 += C) {
      auto s = [&](uint32_t k, uint32_t c) {
        const uint32_t kk = k0 + k, cc = c0 + c;
        const bool real = kk < K && cc < Sc;
        return Reg{real ? (ws ? w.at(kk, cc) : x.at(cc, kk)) : 0, true, real, 0};
      };
      auto q = [&](uint32_t t, uint32_t k) {
        const uint32_t kk = k0 + k;
        const bool real = kk < K;
        return Reg{real ? (ws ? x.at(t, kk) : w.at(kk, t)) : 0, true, real, 0};
      };
      auto out = [&](uint32_t t, uint32_t c, int64_t v) {
        if (c0 + c >= Sc) return;
        if (ws)
          r.y.at(t, c0 + c) += v;
        else
          r.y.at(c0 + c, t) += v;
      };
      r.cycles += stationary_fold(R, C, T, s, q, out, r.macs);
      ++r.folds;
    }
  }
  return r;
}

}  // namespace spikepipe
