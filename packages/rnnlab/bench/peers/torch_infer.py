#!/usr/bin/env python3
"""PyTorch side of the harness's --inference mode: exports the tutorial models, and times PyTorch's inference.

Export (once per harness run, by the first PyTorch available):

    torch_infer.py --export DIR [--models drnn,brnn,lstm,gru] [--train-epochs 2] --json

trains each tutorial model exactly as torch_runner.py does (same data, windows, seed, batches, Adam) for
--train-epochs epochs, then writes into DIR:
  windows.bin            the 1241 input windows, float32 (N, T, 1), row-major: every runtime reads these bytes
  <model>.safetensors    the trained weights (PyTorch's names and layouts: rnnlab loads them with loadStateDict)
  <model>.onnx           the same model as ONNX (input 'x' (batch, T, 1) -> output 'y' (batch, T, 1), batch dynamic)
  <model>.ref.bin        this PyTorch's output for all windows as one batch, float32 (N, T, 1): the reference
  manifest.json          shapes, parameter counts, forward FLOPs per window, versions of the exporter

Timing (one process per model and runtime, like every runner):

    torch_infer.py --dir DIR --model lstm --out FILE [--threads 1] [--reps 5] --json

loads DIR/<model>.safetensors and times, in eval mode under torch.inference_mode(), with the output copied to host
memory: the N windows as one batch (median of --reps), in batches of 16 (median of --reps whole passes), and one
window at a time (one pass over all N windows, each call timed). Writes the one-batch output to FILE (float32) and
prints one JSON line. Same protocol as infer_common.mjs (rnnlab, ONNX Runtime).
"""

import argparse
import json
import os
import statistics
import struct
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the repo for the torch_runner import below

import torch_runner as tr  # noqa: E402  (same folder: threads env, data, models, versions)

EXIT_USAGE = 2
# Untimed passes of each shape before timing (as infer_common.mjs).
WARM_PASSES = 3


def parse_args(argv):
    p = argparse.ArgumentParser(description="PyTorch export and inference timing for the rnnlab benchmark")
    p.add_argument("--export", metavar="DIR", help="train, then write weights, ONNX, windows and references here")
    p.add_argument("--models", default=",".join(tr.MODELS), help="export: comma-separated models")
    p.add_argument("--train-epochs", type=int, default=2, help="export: epochs trained before export (default 2)")
    p.add_argument("--opset", type=int, default=14, help="export: ONNX opset (default 14)")
    p.add_argument("--dir", help="timing: the export folder")
    p.add_argument("--model", choices=tr.MODELS, help="timing: which model")
    p.add_argument("--out", help="timing: write the one-batch output here (float32)")
    p.add_argument("--reps", type=int, default=5, help="timing: passes timed for one batch and batches of 16")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--data", default=tr.DEFAULT_DATA)
    p.add_argument("--seq", type=int, default=16)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.add_argument("--check", action="store_true", help="print versions as JSON and exit (0 = torch usable)")
    args = p.parse_args(argv)
    if not args.check and not args.export and not (args.dir and args.model and args.out):
        p.error("give --export DIR, or --dir DIR --model M --out FILE, or --check")
    if args.reps < 1 or args.threads < 1 or args.train_epochs < 0:
        p.error("--reps and --threads must be >= 1, --train-epochs >= 0")
    return args


# ---------------------------------------------------------------------------------------------------------------
# safetensors (F32 only), written and read by hand: Debian has no python3-safetensors


def write_safetensors(path, tensors, metadata):
    """tensors: name -> float32 numpy array (C order). The layout of https://github.com/huggingface/safetensors."""
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    offset = 0
    blobs = []
    for name, a in tensors.items():
        b = a.astype("<f4", copy=False).tobytes(order="C")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    import numpy as np

    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        if e["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {e['dtype']}, only F32 is read")
        b, end = e["data_offsets"]
        out[name] = np.frombuffer(data[base + b : base + end], dtype="<f4").reshape(e["shape"]).copy()
    return out


def flops_per_window(kind, seq, hidden, layers, inputs=1, outputs=1):
    """Forward FLOPs of one window, matrix products only (2 per multiply-add): per step, layer and direction
    2·G·H·(I + H) (G gates: RNN 1, LSTM 4, GRU 3; I = input width of the layer), plus the Linear head 2·D·H·out.
    Gate nonlinearities and element-wise products are left out (a few % of the total at H = 64)."""
    G = {"drnn": 1, "brnn": 1, "lstm": 4, "gru": 3}[kind]
    D = 2 if kind == "brnn" else 1
    per_step = 0
    for layer in range(layers):
        width = inputs if layer == 0 else D * hidden
        per_step += D * 2 * G * hidden * (width + hidden)
    per_step += 2 * D * hidden * outputs
    return seq * per_step


def rnnlab_name(kind, name):
    """torch_runner's Net calls the recurrent submodule 'rnn' for every kind; rnnlab's SequenceRegressor (and the
    tutorial) call it 'lstm' for the LSTM and 'gru' for the GRU."""
    prefix = {"lstm": "lstm", "gru": "gru"}.get(kind, "rnn")
    return prefix + name[3:] if name.startswith("rnn.") else name


def torch_name(name):
    """The inverse of rnnlab_name: back to torch_runner's 'rnn.' prefix."""
    head, _, rest = name.partition(".")
    return name if head == "linear" else "rnn." + rest


def setup_torch(threads):
    torch = tr.import_torch()
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    return torch


def export(args):
    torch = setup_torch(args.threads)
    import numpy as np

    os.makedirs(args.export, exist_ok=True)
    series = tr.load_close(args.data)
    X_np, Y_np = tr.make_windows(series, args.seq)
    n = X_np.shape[0]
    X_np.astype("<f4").tofile(os.path.join(args.export, "windows.bin"))
    X = torch.from_numpy(X_np)
    Y = torch.from_numpy(Y_np)
    models = [m for m in args.models.split(",") if m]
    vers = tr.versions(torch)
    manifest = {
        "windows": n,
        "seq": args.seq,
        "hidden": args.hidden,
        "layers": args.layers,
        "inputs": 1,
        "outputs": 1,
        "seed": args.seed,
        "trainEpochs": args.train_epochs,
        "opset": args.opset,
        "exporter": {"runtime": "torch", "versions": vers},
        "models": {},
    }
    for kind in models:
        if kind not in tr.MODELS:
            print(f"unknown model {kind!r}", file=sys.stderr)
            return EXIT_USAGE
        # The runner's workload: same seed, same batches, same loss and optimizer.
        torch.manual_seed(args.seed)
        gen = torch.Generator().manual_seed(args.seed)
        model = tr.build_model(torch, kind, args.hidden, args.layers)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        model.train()
        mse = None
        for _ in range(args.train_epochs):
            perm = torch.randperm(n, generator=gen)
            total = 0.0
            for i in range(0, n, args.batch):
                idx = perm[i : i + args.batch]
                opt.zero_grad()
                loss = ((model(X[idx]) - Y[idx]) ** 2).sum()
                loss.backward()
                opt.step()
                total += loss.item()
            mse = total / (n * args.seq)
        model.eval()
        # The tutorial's (and rnnlab's) names: the recurrent submodule is 'lstm' / 'gru' / 'rnn' by kind.
        state = {rnnlab_name(kind, k): v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
        write_safetensors(
            os.path.join(args.export, f"{kind}.safetensors"),
            state,
            {"model": kind, "hidden": args.hidden, "layers": args.layers, "exporter": f"torch {torch.__version__}"},
        )
        with torch.inference_mode():
            ref = model(X).numpy()
        ref.astype("<f4").tofile(os.path.join(args.export, f"{kind}.ref.bin"))
        onnx_path = os.path.join(args.export, f"{kind}.onnx")
        t0 = time.perf_counter()
        with torch.no_grad():
            export_onnx(torch, model, X[:2].clone(), onnx_path, args.opset)
        seconds = time.perf_counter() - t0
        tr.log(f"[torch export {kind}] {args.train_epochs} epoch(s), mse {mse}, onnx {seconds:.2f} s")
        manifest["models"][kind] = {
            "params": sum(p.numel() for p in model.parameters()),
            "flopsPerWindow": flops_per_window(kind, args.seq, args.hidden, args.layers),
            "finalMse": mse,
            "safetensors": f"{kind}.safetensors",
            "onnx": f"{kind}.onnx",
            "reference": f"{kind}.ref.bin",
        }
    with open(os.path.join(args.export, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(json.dumps({"ok": True, "dir": args.export, **manifest}) if args.json else json.dumps(manifest, indent=2))
    return 0


def export_onnx(torch, model, example, path, opset):
    import warnings

    kwargs = dict(
        input_names=["x"],
        output_names=["y"],
        dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
        opset_version=opset,
    )
    with warnings.catch_warnings():
        # "Exporting a model to ONNX with a batch_size other than 1 ...": the initial state is not an input (it is
        # zero, ONNX's default when initial_h is absent), so the batch size is free. Checked by the harness.
        warnings.simplefilter("ignore")
        try:  # torch >= 2.5: dynamo=False picks the TorchScript exporter (no onnx / onnxscript packages needed)
            torch.onnx.export(model, (example,), path, dynamo=False, **kwargs)
        except TypeError:  # torch 1.13: no dynamo argument
            torch.onnx.export(model, (example,), path, **kwargs)


def time_model(args):
    torch = setup_torch(args.threads)
    import numpy as np

    with open(os.path.join(args.dir, "manifest.json")) as f:
        manifest = json.load(f)
    n, T = manifest["windows"], manifest["seq"]
    X_np = np.fromfile(os.path.join(args.dir, "windows.bin"), dtype="<f4").reshape(n, T, 1)
    model = tr.build_model(torch, args.model, manifest["hidden"], manifest["layers"])
    weights = read_safetensors(os.path.join(args.dir, f"{args.model}.safetensors"))
    model.load_state_dict({torch_name(k): torch.from_numpy(v) for k, v in weights.items()})
    model.eval()
    B = args.batch

    def run(x):  # host array -> host array, as the other runtimes
        return model(torch.from_numpy(x)).numpy().copy()

    def ms(t0):
        return (time.perf_counter_ns() - t0) / 1e6

    with torch.inference_mode():
        # Warm-up (infer_common.mjs's protocol): WARM_PASSES passes of one batch of all and of batches of 16,
        # 20 single windows; then one-batch and batches-of-16 passes alternate.
        for _ in range(WARM_PASSES):
            run(X_np)
            for i in range(0, n, B):
                run(X_np[i : i + B])
        for _ in range(20):
            run(X_np[:1])
        all_ms = []
        b16_ms = []
        for _ in range(args.reps):
            t0 = time.perf_counter_ns()
            out_all = run(X_np)
            all_ms.append(ms(t0))
            parts = []
            t0 = time.perf_counter_ns()
            for i in range(0, n, B):
                parts.append(run(X_np[i : i + B]))
            b16_ms.append(ms(t0))
        out_b16 = np.concatenate(parts)
        b1_ms = []
        parts = []
        t_pass = time.perf_counter_ns()
        for i in range(n):
            w = np.ascontiguousarray(X_np[i : i + 1])
            t0 = time.perf_counter_ns()
            parts.append(run(w))
            b1_ms.append(ms(t0))
        b1_pass = ms(t_pass)
        out_b1 = np.concatenate(parts)

    out_all.astype("<f4").tofile(args.out)
    self_diff = float(max(np.abs(out_b16 - out_all).max(), np.abs(out_b1 - out_all).max()))
    result = {
        "runner": "torch",
        "mode": "inference",
        "model": args.model,
        "windows": n,
        "seq": T,
        "batch": B,
        "reps": args.reps,
        "msAll": statistics.median(all_ms),
        "msB16": statistics.median(b16_ms),
        "msB1Median": statistics.median(b1_ms),
        "msB1Mean": statistics.fmean(b1_ms),
        "msB1Pass": b1_pass,
        "selfMaxDiff": self_diff,
        "out": args.out,
        "threads": torch.get_num_threads(),
        "peakRssMb": tr.peak_rss_mb(),
        "versions": tr.versions(torch),
    }
    print(json.dumps(result) if args.json else json.dumps(result, indent=2), flush=True)
    return 0


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.check:
        torch = setup_torch(args.threads)
        print(json.dumps({"runner": "torch", "ok": True, "versions": tr.versions(torch)}))
        return 0
    if args.export:
        return export(args)
    return time_model(args)


if __name__ == "__main__":
    sys.exit(main())
