#!/usr/bin/env python3
"""Writes tests/data/nir/nirlib/*.nir with the REAL `nir` Python library (neuromorphs/NIR), not
with h5py imitating it (that is make_foreign.py). Each graph is built from nir's own node classes
and written by its own nir.write; each file is read back with nir.read before it is kept.

Usage:
    python3 tests/data/nir/make_nirlib.py --nir /tmp/nir-src/nir-1.0.1 [--out DIR]
    python3 tests/data/nir/make_nirlib.py --nir /tmp/nir-src/nir-1.0.1 --read FILE...

The second form only reads files with the library's nir.read (the other direction: does nir
take what `spikepipe export --nir` writes?). Found with nir 1.0.1: it reads our exports of
mnist-fc, fmnist-conv, cifar10-vgg and tests/data/nir/rnn_recurrent.nir; of the h5py-made files
beside this script it refuses norse_conv.nir (its Flatten input_type is a group; 1.0.1 reads a
dataset) and sinabs_same.nir (AvgPool2d, newer than 1.0.1).

--nir names the directory that holds the `nir` package (it is put first on sys.path); only
numpy and h5py are needed besides (Debian: python3-numpy, python3-h5py). The library's code is
public and is not committed here.

Which nir: version 1.0.1 (its nir/__init__.py says `version = __version__ = "1.0.1"`, which
nir.write stores as the file's /version), from github.com/neuromorphs/NIR, reconstructed from
the tool library's index of that repository, which stores a file only at the commits that
changed it. The package is the tree of commit 3fd93798ff0bfb8451bb33e6d05ac66c0b07b3d4
("to_dict" serialization: NIRNode.to_dict + write.py), where these files are stored:
    nir/__init__.py nir/read.py nir/write.py nir/ir/__init__.py nir/ir/node.py
    nir/ir/graph.py nir/ir/conv.py nir/ir/flatten.py nir/ir/typing.py nir/ir/utils.py
and the files that commit did not change, taken at f3040370dc244bbf623f0892ebd8bbb329ec3895
(the commit that split nir/ir.py into the nir/ir/ package, where every nir/ir/ file is stored):
    nir/ir/common.py nir/ir/linear.py nir/ir/neuron.py nir/ir/delay.py nir/ir/pooling.py
    nir/ir/surrogate_gradient.py
(read_file(repo="neuromorphs/NIR", path=..., commit=...) gives each; save its text as is under
DIR/nir/...). SHA256 below are of the copy these files were made with; each file's length in
characters equals the stored version's. The script says which files of DIR differ. The index cannot show
whether a commit between f3040370 and 3fd93798 touched those six; if one did, it can only have
been cosmetic for what is written here: nir.write writes `to_dict()`, i.e. the dataclass fields,
and those fields (weight, bias, tau, r, v_leak, v_threshold, tau_syn, tau_mem, w_in, scale,
delay, threshold, kernel_size, stride, padding) are the same in every 1.0.x. nir 1.0.1 has no
AvgPool2d and no CubaLI (both came later), writes no input_type/output_type groups (they are
not dataclass fields yet), no metadata, and stores arrays uncompressed.

The networks (expected layer shapes, hand-computed, are in tests/unit/workloads/test_nir.cpp,
NirLib.*):
  paper_cnn_sinabs.nir       the NIR paper's N-MNIST CSNN (neuromorphs/NIR
                             paper/02_cnn/mnist_sinabs_to_nir.py) as sinabs.nir.to_nir gives
                             it (synsense/sinabs sinabs/nir.py): Conv2d with tuple stride/padding
                             and no input_shape, IF with per-neuron arrays, SumPool2d with
                             tuples, a Flatten with sinabs' placeholder input_type [0,0,0,0] and
                             torch's start_dim 1, Affine with zero bias for Linear(bias=False);
                             then graph.infer_types() as that script does before nir.write (it
                             fills the convs' input_shape). nir 1.0.1's infer_types fails on a
                             batch dimension (IndexError in calculate_conv_output), so the Input
                             and the IF arrays here carry none: [2,34,34], (16,16,16), ...
  paper_rnn_braille.nir      the NIR paper's Braille RSNN (paper/03_rnn, parameters_ref_20231017:
                             12 -> 54 recurrent -> 7) as snntorch/export_nir.py gives it: fc1
                             Affine, lif1 RSynaptic = a nested NIRGraph {input, lif CubaLIF,
                             w_rec Affine, output} with lif <-> w_rec, fc2 Affine, lif2 Synaptic =
                             CubaLIF with 0-d parameters; dt = 1e-4 (tau = dt/(1-beta)).
  snntorch_leaky.nir         snnTorch's Leaky export (0-d tau, r, v_leak, v_threshold), 100 ->
                             32 -> 10, Input of the traced sample [1, 100]; dt = 1e-4.
  from_list.nir              nir.NIRGraph.from_list(Affine, LIF, Affine, IF, Linear, LI): node
                             names by the library (affine, lif, affine_1, if, linear, li, input,
                             output).
  conv1d_chain.nir           Conv1d (input_shape 16) -> Scale -> Threshold -> Delay -> Flatten
                             -> Affine -> LI.
  conv2d_padding.nir         Conv2d padding 'same' -> IF -> SumPool2d -> Conv2d 'valid' stride 2
                             -> LIF -> Flatten -> Affine -> LIF.
  recurrent_cubalif.nir      NIR's recurrent example: Affine -> CubaLIF <-> Affine (rec), then
                             Affine -> CubaLIF.
  nested.nir                 layers as nested NIRGraphs, two levels deep.
  bad/*.nir                  graphs nir writes but spikepipe cannot model (grouped, dilated,
                             non-square-stride and even-'same' convs, an overlapping pool, an LI
                             between layers, a residual branch, a recurrent conv): each must
                             fail with one error naming the node and why.
nirlib/nir-dt.tsv lists each file of nirlib/ with its --nir-dt and layer count for
tests/check_nir_files.sh (ctest NirCli.RealNirLibraryFilesEndToEnd).
"""
import argparse
import os
import sys

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--nir", required=True, help="directory holding the nir package")
ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "nirlib"))
ap.add_argument("--read", nargs="+", metavar="FILE",
                help="only read these files with nir.read (e.g. what `spikepipe export --nir` "
                     "writes) and say which the library takes")
args = ap.parse_args()
sys.path.insert(0, os.path.abspath(args.nir))

import numpy as np  # noqa: E402

import nir  # noqa: E402

EXPECTED_VERSION = "1.0.1"
SHA256 = {  # the copy of nir 1.0.1 the committed files were made with (see the docstring)
    "nir/__init__.py": "bb6fbfba6c63e814f4ccfc35de6b777f9475174364ca56b3ed370f96ac2b08c2",
    "nir/read.py": "5af43168af0ac9ec9ad0716540908db54005f29dcf6bb4c11ac19fec1794ce13",
    "nir/write.py": "5c4387026762c73df0b848633d4084b55345dc893c188b0b2dfdd6105046ee0c",
    "nir/ir/__init__.py": "720b3e148e7b7b97fa02f61c5dad090fdb8be54d4865ccaca72a1ab1e590dee0",
    "nir/ir/common.py": "ae88cfe852dd4effead7e1b69cf2ed3129e924f85ab1bdee7b56f76c880f560f",
    "nir/ir/conv.py": "a9e4f95cf4ece02ad72b9588f46578944e89a9e81983905f09647b75b23c1b98",
    "nir/ir/delay.py": "319bb44b4dffaf46e03e83df22fe52d78b6496714fe5e72bb9606598211a0457",
    "nir/ir/flatten.py": "b8724826b2ab02997140d19b5744189f7d8a3934818039e3b560da48c93f62d8",
    "nir/ir/graph.py": "507e5cbd1ac03f0b845ed5f5296827f2dc9b2132cc46d18062a63d85f2b2cb0c",
    "nir/ir/linear.py": "9877f167f1e4cd234a7d834864177a5930a36e50f5ec73de87d29b28d646f946",
    "nir/ir/neuron.py": "14971e16bc3e5a62eea9073633e11bd99ff56ce25d78694cbf14f8350ea90f66",
    "nir/ir/node.py": "a2ea65d270b759161ce607e4b63e3c820e763cfc659ae0e9f8762b05065ba70a",
    "nir/ir/pooling.py": "1ee306fbf59053912ec9327f4d428697cd03de80710dea2af388346e434215de",
    "nir/ir/surrogate_gradient.py": "11c8ea67ee9eee825fcc7238e80d76d146e56ffb98c55cee36844ffbbca43c8a",
    "nir/ir/typing.py": "ea355443100e788434a5f1ce6b4d77540f404ded8a39d8b5652b6a800a869589",
    "nir/ir/utils.py": "61e61f2407f7ceeaf5adbd6aad6fc00d477d939b595367fd062c7496c7984b01",
}
if nir.version != EXPECTED_VERSION:
    sys.exit(f"nir {nir.version} from {nir.__file__}; these files are made with {EXPECTED_VERSION}")
print(f"nir {nir.version} from {os.path.dirname(nir.__file__)}")
import hashlib  # noqa: E402

for rel, digest in SHA256.items():
    path = os.path.join(os.path.abspath(args.nir), rel)
    have = hashlib.sha256(open(path, "rb").read()).hexdigest() if os.path.exists(path) else None
    if have != digest:
        print(f"  note: {rel} is {'missing' if have is None else 'not the copy the files were made with'}")
if args.read:
    failed = 0
    for path in args.read:
        try:
            g = nir.read(path)
            print(f"  {path}: read, {len(g.nodes)} nodes, {len(g.edges)} edges")
        except Exception as e:  # report every file, then fail
            failed += 1
            print(f"  {path}: nir.read fails: {type(e).__name__}: {e}")
    sys.exit(1 if failed else 0)
os.makedirs(args.out, exist_ok=True)
rng = np.random.default_rng(14)


def w(*shape):
    """float32 weights as torch exports them (values do not matter to spikepipe)."""
    return rng.normal(0, 0.1, size=shape).astype(np.float32)


MANIFEST = []  # (file, --nir-dt, layers): nirlib/nir-dt.tsv, read by tests/check_nir_files.sh


def write(name, graph, dt=1, layers=()):
    """layers: (name, input HxWxC, output HxWxC) per layer, worked out by hand (as in
    test_nir.cpp), which `spikepipe layers` must print."""
    MANIFEST.append((name, dt, layers))
    path = os.path.join(args.out, name)
    nir.write(path, graph)
    back = nir.read(path)  # the library's own reader must take what its writer wrote
    assert sorted(back.nodes) == sorted(graph.nodes), name
    assert sorted(map(tuple, back.edges)) == sorted(map(tuple, graph.edges)), name
    print(f"  {name}: {os.path.getsize(path)} bytes, {len(graph.nodes)} nodes")


# ---- the NIR paper's CSNN for N-MNIST, as Sinabs exports it ----
def sinabs_if(shape, thr=1.0):
    # sinabs.nir._extract_sinabs_module: IF(r=ones_like(v_mem), v_threshold=extend(thr, v_mem))
    return nir.IF(r=np.ones(shape, np.float32), v_threshold=np.full(shape, thr, np.float32))


def sinabs_conv(cout, cin, k, stride, pad):
    # torch's Conv2d(bias=False): stride/padding/dilation tuples, zero bias; no input_shape
    return nir.Conv2d(input_shape=None, weight=w(cout, cin, k, k), stride=(stride, stride),
                      padding=(pad, pad), dilation=(1, 1), groups=1,
                      bias=np.zeros(cout, np.float32))


def sinabs_pool():
    return nir.SumPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))


cnn = {
    "input": nir.Input(input_type=np.array([2, 34, 34])),
    "0": sinabs_conv(16, 2, 5, 2, 1),        # 2x34x34 -> 16x16x16
    "1": sinabs_if((16, 16, 16)),
    "2": sinabs_conv(16, 16, 3, 1, 1),       # -> 16x16x16
    "3": sinabs_if((16, 16, 16)),
    "4": sinabs_pool(),                      # -> 16x8x8
    "5": sinabs_conv(8, 16, 3, 1, 1),        # -> 8x8x8
    "6": sinabs_if((8, 8, 8)),
    "7": sinabs_pool(),                      # -> 8x4x4
    "8": nir.Flatten(input_type={"input": np.array([0, 0, 0, 0])}, start_dim=1, end_dim=-1),
    "9": nir.Affine(weight=w(256, 128), bias=np.zeros(256, np.float32)),
    "10": sinabs_if((256,)),
    "11": nir.Affine(weight=w(10, 256), bias=np.zeros(10, np.float32)),
    "12": sinabs_if((10,)),
    "output": nir.Output(output_type=np.array([10])),
}
order = ["input"] + [str(i) for i in range(13)] + ["output"]
g = nir.NIRGraph(nodes=cnn, edges=list(zip(order, order[1:])))
g.infer_types()  # as mnist_sinabs_to_nir.py does before nir.write
write("paper_cnn_sinabs.nir", g, layers=[
    ("0", "34x34x2", "16x16x16"), ("2", "16x16x16", "8x8x16"), ("5", "8x8x16", "4x4x8"),
    ("9", "1x1x128", "1x1x256"), ("11", "1x1x256", "1x1x10")])


# ---- snnTorch exports (snntorch/export_nir.py), dt = 1e-4 ----
DT = 1e-4


def snn_leaky(beta, thr=1.0):
    beta = np.array(beta, np.float32)  # a 0-d tensor's .numpy()
    tau = DT / (1 - beta)
    return nir.LIF(tau=tau, v_threshold=np.array(thr, np.float32), v_leak=np.zeros_like(beta),
                   r=tau / DT)


def snn_synaptic(alpha, beta, thr=1.0):
    alpha, beta = np.array(alpha, np.float32), np.array(beta, np.float32)
    tau_syn, tau_mem = DT / (1 - alpha), DT / (1 - beta)
    return nir.CubaLIF(tau_syn=tau_syn, tau_mem=tau_mem, v_threshold=np.array(thr, np.float32),
                       v_leak=np.zeros_like(beta), r=tau_mem / DT, w_in=tau_syn / DT)


def snn_rsynaptic(n, alpha, beta, thr=1.0):
    alpha, beta, vthr = np.ones(n) * alpha, np.ones(n) * beta, np.ones(n) * thr
    tau_syn, tau_mem = DT / (1 - alpha), DT / (1 - beta)
    return nir.NIRGraph(
        nodes={
            "input": nir.Input(input_type=[n]),
            "lif": nir.CubaLIF(v_threshold=vthr, tau_mem=tau_mem, tau_syn=tau_syn,
                               r=tau_mem / DT, v_leak=np.zeros_like(beta), w_in=tau_syn / DT),
            "w_rec": nir.Affine(weight=w(n, n), bias=w(n)),  # all_to_all: nn.Linear(n, n)
            "output": nir.Output(output_type=[n]),
        },
        edges=[("input", "lif"), ("lif", "w_rec"), ("w_rec", "lif"), ("lif", "output")],
    )


# Braille: parameters_ref_20231017.json: nb_hidden 54, alpha_r 0.8, beta_r 0.4,
# alpha_out 0.75, beta_out 0.3; 12 input channels, 7 classes.
braille = {
    "input": nir.Input(input_type=np.array([12])),
    "fc1": nir.Affine(weight=w(54, 12), bias=w(54)),
    "lif1": snn_rsynaptic(54, 0.8, 0.4),
    "fc2": nir.Affine(weight=w(7, 54), bias=w(7)),
    "lif2": snn_synaptic(0.75, 0.3),
    "output": nir.Output(output_type=np.array([7])),
}
write("paper_rnn_braille.nir", nir.NIRGraph(
    nodes=braille,
    edges=[("input", "fc1"), ("fc1", "lif1"), ("lif1", "fc2"), ("fc2", "lif2"),
           ("lif2", "output")]), dt=DT,
    layers=[("fc1", "1x1x12", "1x1x54"), ("fc2", "1x1x54", "1x1x7")])

write("snntorch_leaky.nir", nir.NIRGraph(
    nodes={
        "input": nir.Input(input_type=np.array([1, 100])),
        "fc1": nir.Affine(weight=w(32, 100), bias=w(32)),
        "lif1": snn_leaky(0.9),
        "fc2": nir.Affine(weight=w(10, 32), bias=w(10)),
        "lif2": snn_leaky(0.8, 0.5),
        "output": nir.Output(output_type=np.array([1, 10])),
    },
    edges=[("input", "fc1"), ("fc1", "lif1"), ("lif1", "fc2"), ("fc2", "lif2"),
           ("lif2", "output")]), dt=DT,
    layers=[("fc1", "1x1x100", "1x1x32"), ("fc2", "1x1x32", "1x1x10")])


# ---- the library's own graph builder and node types ----
def lif(n, tau=4.0, thr=1.0):
    return nir.LIF(tau=np.full(n, tau), r=np.full(n, tau), v_leak=np.zeros(n),
                   v_threshold=np.full(n, thr))


write("from_list.nir", nir.NIRGraph.from_list(
    nir.Affine(weight=w(20, 30), bias=w(20)),
    lif(20),
    nir.Affine(weight=w(16, 20), bias=w(16)),
    nir.IF(r=np.ones(16), v_threshold=np.full(16, 2.0)),
    nir.Linear(weight=w(5, 16)),
    nir.LI(tau=np.full(5, 5.0), r=np.ones(5), v_leak=np.zeros(5)),
), layers=[("affine", "1x1x30", "1x1x20"), ("affine_1", "1x1x20", "1x1x16"),
           ("linear", "1x1x16", "1x1x5")])

write("conv1d_chain.nir", nir.NIRGraph(
    nodes={
        "input": nir.Input(input_type=np.array([2, 16])),
        "conv": nir.Conv1d(input_shape=16, weight=w(6, 2, 3), stride=1, padding=0, dilation=1,
                           groups=1, bias=w(6)),  # 2x16 -> 6x14
        "scale": nir.Scale(scale=np.full((6, 14), 0.5)),
        "spike": nir.Threshold(threshold=np.full((6, 14), 0.25)),
        "delay": nir.Delay(delay=np.ones((6, 14))),
        "flat": nir.Flatten(input_type={"input": np.array([6, 14])}, start_dim=0, end_dim=-1),
        "readout": nir.Affine(weight=w(4, 84), bias=w(4)),
        "li": nir.LI(tau=np.full(4, 4.0), r=np.ones(4), v_leak=np.zeros(4)),
        "output": nir.Output(output_type=np.array([4])),
    },
    edges=[("input", "conv"), ("conv", "scale"), ("scale", "spike"), ("spike", "delay"),
           ("delay", "flat"), ("flat", "readout"), ("readout", "li"), ("li", "output")]),
    layers=[("conv", "1x16x2", "1x14x6"), ("readout", "1x1x84", "1x1x4")])

write("conv2d_padding.nir", nir.NIRGraph(
    nodes={
        "input": nir.Input(input_type=np.array([3, 16, 16])),
        "c1": nir.Conv2d(input_shape=(16, 16), weight=w(8, 3, 3, 3), stride=1, padding="same",
                         dilation=1, groups=1, bias=w(8)),           # -> 8x16x16
        "n1": nir.IF(r=np.ones((8, 16, 16)), v_threshold=np.ones((8, 16, 16))),
        "p1": nir.SumPool2d(kernel_size=np.array([2, 2]), stride=np.array([2, 2]),
                            padding=np.array([0, 0])),                # -> 8x8x8
        "c2": nir.Conv2d(input_shape=(8, 8), weight=w(12, 8, 3, 3), stride=2, padding="valid",
                         dilation=1, groups=1, bias=w(12)),          # (8-3)/2+1 = 3 -> 12x3x3
        "n2": lif((12, 3, 3), tau=10.0),
        "flat": nir.Flatten(input_type={"input": np.array([12, 3, 3])}, start_dim=0),
        "fc": nir.Affine(weight=w(10, 108), bias=w(10)),
        "n3": lif(10, tau=10.0),
        "output": nir.Output(output_type=np.array([10])),
    },
    edges=[("input", "c1"), ("c1", "n1"), ("n1", "p1"), ("p1", "c2"), ("c2", "n2"),
           ("n2", "flat"), ("flat", "fc"), ("fc", "n3"), ("n3", "output")]),
    layers=[("c1", "16x16x3", "8x8x8"), ("c2", "8x8x8", "3x3x12"), ("fc", "1x1x108", "1x1x10")])


def cuba(n):
    return nir.CubaLIF(tau_mem=np.full(n, 20.0), tau_syn=np.full(n, 5.0), r=np.full(n, 20.0),
                       v_leak=np.zeros(n), v_threshold=np.ones(n))  # w_in defaults to 1


write("recurrent_cubalif.nir", nir.NIRGraph(
    nodes={
        "input": nir.Input(input_type=np.array([2])),
        "affine1": nir.Affine(weight=w(3, 2), bias=w(3)),
        "cu1": cuba(3),
        "affine_rec": nir.Affine(weight=w(3, 3), bias=w(3)),
        "affine2": nir.Affine(weight=w(2, 3), bias=w(2)),
        "cu2": cuba(2),
        "output": nir.Output(output_type=np.array([2])),
    },
    edges=[("input", "affine1"), ("affine1", "cu1"), ("affine_rec", "cu1"),
           ("cu1", "affine_rec"), ("cu1", "affine2"), ("affine2", "cu2"), ("cu2", "output")]),
    layers=[("affine1", "1x1x2", "1x1x3"), ("affine2", "1x1x3", "1x1x2")])


def layer_graph(n_in, n_out):
    return nir.NIRGraph(
        nodes={"input": nir.Input(input_type=np.array([n_in])),
               "w": nir.Affine(weight=w(n_out, n_in), bias=w(n_out)),
               "n": lif(n_out),
               "output": nir.Output(output_type=np.array([n_out]))},
        edges=[("input", "w"), ("w", "n"), ("n", "output")])


outer_block = nir.NIRGraph(
    nodes={"input": nir.Input(input_type=np.array([24])),
           "inner": layer_graph(24, 12),
           "output": nir.Output(output_type=np.array([12]))},
    edges=[("input", "inner"), ("inner", "output")])
write("nested.nir", nir.NIRGraph(
    nodes={"input": nir.Input(input_type=np.array([40])),
           "l1": layer_graph(40, 24),
           "block": outer_block,
           "output": nir.Output(output_type=np.array([12]))},
    edges=[("input", "l1"), ("l1", "block"), ("block", "output")]),
    layers=[("l1.w", "1x1x40", "1x1x24"), ("block.inner.w", "1x1x24", "1x1x12")])


# ---- what spikepipe cannot model, written by nir: nirlib/bad/, each must fail with one clear
# error naming the node (NirLib.WhatWeCannotModelSaysWhichNodeAndWhy) ----
bad = os.path.join(args.out, "bad")
os.makedirs(bad, exist_ok=True)


def conv(cout, cin, k, hw, **kw):
    a = dict(stride=1, padding=0, dilation=1, groups=1)
    a.update(kw)
    return nir.Conv2d(input_shape=hw, weight=w(cout, cin, k, k), bias=w(cout), **a)


def chain(nodes):
    names = list(nodes)
    return nir.NIRGraph(nodes=nodes, edges=list(zip(names, names[1:])))


for name, graph in {
    "groups": chain({"input": nir.Input(np.array([4, 8, 8])), "c": conv(4, 2, 3, (8, 8), groups=2),
                     "n": lif((4, 6, 6))}),
    "dilation": chain({"input": nir.Input(np.array([1, 8, 8])),
                       "c": conv(2, 1, 3, (8, 8), dilation=2), "n": lif((2, 4, 4))}),
    "rect_stride": chain({"input": nir.Input(np.array([1, 8, 8])),
                          "c": conv(2, 1, 3, (8, 8), stride=(1, 2)), "n": lif((2, 6, 3))}),
    "even_same": chain({"input": nir.Input(np.array([1, 8, 8])),
                        "c": conv(2, 1, 4, (8, 8), padding="same"), "n": lif((2, 8, 8))}),
    "overlap_pool": chain({"input": nir.Input(np.array([1, 8, 8])),
                           "c": conv(2, 1, 3, (8, 8), padding=1), "n": lif((2, 8, 8)),
                           "p": nir.SumPool2d(np.array([3, 3]), np.array([2, 2]),
                                              np.array([0, 0]))}),
    "li_mid": chain({"input": nir.Input(np.array([3])), "a": nir.Affine(w(2, 3), w(2)),
                     "li": nir.LI(np.full(2, 2.0), np.ones(2), np.zeros(2)),
                     "b": nir.Affine(w(2, 2), w(2)), "n": lif(2)}),
    "residual": nir.NIRGraph(
        nodes={"input": nir.Input(np.array([4])), "a": nir.Affine(w(4, 4), w(4)), "n": lif(4),
               "b": nir.Affine(w(4, 4), w(4)), "m": lif(4)},
        edges=[("input", "a"), ("a", "n"), ("n", "b"), ("b", "m"), ("n", "m")]),
    "rec_conv": nir.NIRGraph(
        nodes={"input": nir.Input(np.array([1, 4, 4])), "c": conv(1, 1, 3, (4, 4), padding=1),
               "n": lif((1, 4, 4)), "r": nir.Affine(w(16, 16), w(16))},
        edges=[("input", "c"), ("c", "n"), ("n", "r"), ("r", "n")]),
}.items():
    nir.write(os.path.join(bad, name + ".nir"), graph)
print(f"  bad/: {len(os.listdir(bad))} files")

with open(os.path.join(args.out, "nir-dt.tsv"), "w") as f:
    for name, dt, layers in MANIFEST:
        shapes = ",".join(":".join(t) for t in layers)
        f.write(f"{name}\t{dt:g}\t{len(layers)}\t{shapes}\n")
