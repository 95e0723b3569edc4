#!/usr/bin/env python3
"""The causal NoC against BookSim 2 itself (docs/VALIDATION.md section 2): the 8x8 mesh with
dimension-order routing, uniform / transpose / bit-complement traffic and 1-, 8- and 32-flit
packets, run on a BookSim 2 build and on `spikepipe noc` configured alike; writes the zero-load
latency and saturation throughput of both, their difference, and the latency-load curves.

usage: scripts/booksim_compare.py --booksim PATH/src/booksim [--bin build/spikepipe] [--out bscmp]
           [--vcs 8] [--buffer 8] [--wait-for-tail-credit 0] [--input-speedup 2] [--jobs 2]
           [--patterns uniform,transpose,bitcomp] [--flits 1,8,32] [--plot bscmp.png]
       scripts/booksim_compare.py --bin build/spikepipe --reference tests/data/booksim/mesh88.csv
           (no BookSim: ours against the BookSim figures recorded there)

BookSim side: one config per case and rate, BookSim's iq router as in its examples/mesh88_lat
(iSLIP VC and switch allocators, one iteration, routing / VC / switch allocation 1 cycle each,
credit delay 2, input speedup 2; VCs and buffers as given), `injection_rate_uses_flits = 1`
so rates are flits/node/cycle like ours, Bernoulli injection, `sim_type = latency`; latency
and accepted rate are read from its "Overall Traffic Statistics". A run that prints none
(BookSim's "unstable": latency past its 500-cycle threshold, or no convergence) is saturated.
Our side: `spikepipe noc` with the same VCs, buffers and input speedup, router latency 5 and
terminal latency 6 (BookSim's per-hop and end delays, docs/VALIDATION.md), 3,000 warm-up and
10,000 measured cycles.

One criterion for both sides. Zero-load latency: the mean packet latency at 0.01 flits/node/
cycle. Saturation throughput: the largest offered load whose mean packet latency stays within
3x the zero-load latency (and, for BookSim, whose run is stable), bisected to 0.005 between 0.01
and 0.6 (latency grows without bound past saturation, Dally & Towles ch. 23; a criterion on the
accepted rate alone is noisy for 32-flit packets, where BookSim's accepted rate reads 3-5% under
the offered one well below saturation).
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from noc_validation import PATTERNS  # noqa: E402

LOW, HIGH, STEP, ZERO_LOAD = 0.01, 0.6, 0.005, 0.01


def booksim_config(a, traffic, flits, rate):
    return "\n".join([
        "topology = mesh;", "k = 8;", "n = 2;", "routing_function = dor;",
        "num_vcs = %d;" % a.vcs, "vc_buf_size = %d;" % a.buffer,
        "wait_for_tail_credit = %d;" % a.wait_for_tail_credit,
        "vc_allocator = islip;", "sw_allocator = islip;", "alloc_iters = 1;",
        "credit_delay = 2;", "routing_delay = 1;", "vc_alloc_delay = 1;", "sw_alloc_delay = 1;",
        "input_speedup = %d;" % a.input_speedup, "output_speedup = 1;",
        "internal_speedup = 1.0;",
        "traffic = %s;" % traffic, "packet_size = %d;" % flits,
        "injection_rate_uses_flits = 1;", "injection_rate = %g;" % rate,
        "sim_type = latency;", ""])


def booksim_point(a, traffic, flits, rate):
    """(latency, accepted) from BookSim's overall statistics, or None when unstable."""
    d = os.path.join(a.out, "booksim")
    os.makedirs(d, exist_ok=True)
    cfg = os.path.join(d, "%s%d_%g.cfg" % (traffic, flits, rate))
    with open(cfg, "w") as f:
        f.write(booksim_config(a, traffic, flits, rate))
    text = subprocess.run([a.booksim, cfg], capture_output=True, text=True).stdout
    with open(cfg + ".out", "w") as f:
        f.write(text)
    i = text.rfind("Overall Traffic Statistics")
    if i < 0:
        return None
    lat = re.search(r"Packet latency average\s*=\s*([-0-9.eE+]+)", text[i:])
    acc = re.search(r"Accepted flit rate average\s*=\s*([-0-9.eE+]+)", text[i:])
    return (float(lat.group(1)), float(acc.group(1))) if lat and acc else None


def our_point(a, traffic, flits, rate):
    d = os.path.join(a.out, "ours", "%s%d_%g" % (traffic, flits, rate))
    subprocess.run([a.bin, "noc", "--noc-topology", "mesh", "--noc-cols", "8", "--noc-rows", "8",
                    "--processors", "64", "--noc-link-bytes", "32", "--noc-router-latency", "5",
                    "--noc-terminal-latency", "6", "--noc-vcs", str(a.vcs),
                    "--noc-buffer-flits", str(a.buffer),
                    "--noc-input-speedup", str(a.input_speedup), "--traffic", traffic,
                    "--packet-flits", str(flits), "--injection-rate", str(rate),
                    "--warmup", "3000", "--measure", "10000", "--out", d],
                   check=True, stdout=subprocess.DEVNULL)
    row = list(csv.DictReader(open(os.path.join(d, "noc.csv"))))[0]
    return float(row["latency_mean"]), float(row["accepted"])


def characterise(point, traffic, flits):
    """Zero-load latency, saturation throughput and the curve on the pattern's grid."""
    zero = point(traffic, flits, ZERO_LOAD)[0]

    def below(rate):
        p = point(traffic, flits, rate)
        return p is not None and p[0] <= 3 * zero
    lo, hi = LOW, HIGH
    while hi - lo > STEP:
        mid = round((lo + hi) / 2, 4)
        lo, hi = (mid, hi) if below(mid) else (lo, mid)
    curve = []
    for r in [float(x) for x in PATTERNS[traffic].split(",")]:
        p = point(traffic, flits, r)
        if p is None:
            break
        curve.append((r, p[0]))
    return zero, lo, curve


def pct(x, ref):
    return 100.0 * (x / ref - 1) if ref else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--booksim", default=None, help="a BookSim 2 binary (src/booksim)")
    ap.add_argument("--reference", default=None,
                    help="instead of running BookSim: its figures recorded in this CSV")
    ap.add_argument("--bin", default="build/spikepipe")
    ap.add_argument("--out", default="bscmp")
    ap.add_argument("--vcs", type=int, default=8)
    ap.add_argument("--buffer", type=int, default=8)
    ap.add_argument("--wait-for-tail-credit", type=int, default=0)
    ap.add_argument("--input-speedup", type=int, default=2)
    ap.add_argument("--patterns", default="uniform,transpose,bitcomp")
    ap.add_argument("--flits", default="1,8,32")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--plot", default=None)
    ap.add_argument("--plot-json", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.plot_json:
        d = json.load(open(a.plot_json))
        plot(a.plot, {(t, f): v for t, f, v in d["ours"]},
             {(t, f): v for t, f, v in d["booksim"]})
        return 0
    if not a.booksim and not a.reference and not a.plot_json:
        ap.error("give --booksim PATH (a BookSim 2 build) or --reference CSV")
    os.makedirs(a.out, exist_ok=True)
    ref = {}
    if a.reference:
        try:
            rows = csv.DictReader(l for l in open(a.reference) if not l.startswith("#"))
            ref = {(r["traffic"], int(r["packet_flits"])): (float(r["booksim_zero_load"]),
                                                            float(r["booksim_saturation"]))
                   for r in rows}
        except (OSError, KeyError, ValueError, TypeError) as e:
            ap.error("--reference %s: not a compare.csv of this script (%s: %s); needs the "
                     "columns traffic, packet_flits, booksim_zero_load, booksim_saturation"
                     % (a.reference, type(e).__name__, e))
        missing = [c for c in [(t, int(f)) for t in a.patterns.split(",")
                               for f in a.flits.split(",")] if c not in ref]
        if missing:
            ap.error("--reference %s has no row for %s" % (a.reference, missing))
    cases = [(t, int(f)) for t in a.patterns.split(",") for f in a.flits.split(",")]

    def one(case):
        t, f = case
        oz, osat, ocurve = characterise(lambda *x: our_point(a, *x), t, f)
        if a.booksim:
            bz, bsat, bcurve = characterise(lambda *x: booksim_point(a, *x), t, f)
        else:
            (bz, bsat), bcurve = ref[case], []
        return t, f, bz, oz, bsat, osat, bcurve, ocurve
    with ThreadPoolExecutor(a.jobs) as ex:
        results = list(ex.map(one, cases))
    src = "BookSim" if a.booksim else "BookSim (recorded)"
    print("vcs %d x %d flits, wait_for_tail_credit %d, input speedup %d"
          % (a.vcs, a.buffer, a.wait_for_tail_credit, a.input_speedup))
    print("| traffic | F | %s zero load | ours | diff | %s saturation | ours | diff |" % (src, src))
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with open(os.path.join(a.out, "compare.csv"), "w") as out:
        out.write("# BookSim 2 iq router (examples/mesh88_lat) and spikepipe noc: vcs %d, "
                  "buffer %d, wait_for_tail_credit %d, input speedup %d; "
                  "scripts/booksim_compare.py\n"
                  % (a.vcs, a.buffer, a.wait_for_tail_credit, a.input_speedup))
        out.write("traffic,packet_flits,booksim_zero_load,ours_zero_load,booksim_saturation,"
                  "ours_saturation\n")
        for t, f, bz, oz, bs, os_, _, _ in results:
            out.write("%s,%d,%.2f,%.2f,%.3f,%.3f\n" % (t, f, bz, oz, bs, os_))
            print("| %s | %d | %.2f | %.2f | %+.1f%% | %.3f | %.3f | %+.1f%% |"
                  % (t, f, bz, oz, pct(oz, bz), bs, os_, pct(os_, bs)))
    if a.plot:
        plot(a.plot, {(r[0], r[1]): r[7] for r in results},
             {(r[0], r[1]): r[6] for r in results if r[6]})
    return 0


def plot(path, curves, bcurves):
    try:
        import matplotlib
    except ImportError:  # matplotlib comes from Debian (python3-matplotlib): hand over to it
        fd, data = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump({"ours": [[t, fl, v] for (t, fl), v in curves.items()],
                       "booksim": [[t, fl, v] for (t, fl), v in bcurves.items()]}, f)
        subprocess.run(["/usr/bin/python3", os.path.abspath(__file__), "--plot-json", data,
                        "--plot", path], check=True)
        os.remove(data)
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    pats = sorted({t for t, _ in curves}, key=list(PATTERNS).index)
    fig, axs = plt.subplots(1, len(pats), figsize=(4 * len(pats), 3.2), squeeze=False)
    for ax, t in zip(axs[0], pats):
        for (tt, f), pts in sorted(curves.items()):
            if tt != t:
                continue
            line, = ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", ms=3,
                            label="ours F=%d" % f)
            if (t, f) in bcurves:
                b = bcurves[(t, f)]
                ax.plot([p[0] for p in b], [p[1] for p in b], "s--", ms=3,
                        color=line.get_color(), label="BookSim F=%d" % f)
        ax.set_title(t)
        ax.set_ylim(0, 300)
        ax.set_xlabel("offered load (flits/node/cycle)")
        ax.set_ylabel("mean packet latency (cycles)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=80)


if __name__ == "__main__":
    sys.exit(main())
