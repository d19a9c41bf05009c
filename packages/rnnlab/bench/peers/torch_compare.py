#!/usr/bin/env python3
"""PyTorch side of the four-model `compare` benchmark (issue 4): `rnnlab compare` end to end, sequentially.

Does what `rnnlab compare --no-report --epochs E` does with its defaults, in one process on ONE thread, the four
models one after the other (the way a PyTorch user runs the tutorial):

- data: DJI daily Close 2019-03-25..2024-03-20 (1257 rows), 1241 windows of T = 16 with the next-step target at
  every step; chronological split by each window's last target day, fractions 0.7 / 0.15 / 0.15, with the
  T - 1 + h = 16 windows that straddle each boundary dropped ('span' purge): train ids [0, 868), validation
  [884, 1054), test [1070, 1241); z-score fitted on the training days only (days [0, 884), unbiased std);
- per model (drnn, brnn, lstm, gru) and per seed (--seeds N: seed, seed + 1, ..., seed + N - 1; compare's default
  is 3 seeds per model, so 12 runs): Adam(lr 1e-3), E epochs of shuffled batches
  of 16 over the 868 training windows, loss = squared error summed over the batch and the scored positions
  (every step; the BRNN only the last step, as rnnlab does), the validation loss after every epoch (eval mode,
  no autograd, batches of 256), then one-step forecasts of the 171 test windows, in price units; a model's test
  MAE is that of the mean forecast over its seeds (the seed ensemble compare scores).

rnnlab additionally computes the global gradient norm every step, the naive / drift / linear-AR baselines and
the metrics table; those are milliseconds. With --json it prints one JSON line on stdout; progress on stderr.
"""

import argparse
import json
import statistics
import sys
import time

T_PROCESS_START = time.perf_counter()
sys.dont_write_bytecode = True  # no __pycache__ in the repo for the torch_runner import below

# torch_runner sets OMP/OPENBLAS/MKL_NUM_THREADS (1, or --threads N) on import, before torch loads.
import torch_runner as tr  # noqa: E402  (same folder: data loading, models, versions)

MODELS = ("drnn", "brnn", "lstm", "gru")
FRACTIONS = (0.7, 0.15, 0.15)


def parse_args(argv):
    p = argparse.ArgumentParser(description="PyTorch side of the four-model compare benchmark")
    p.add_argument("--epochs", type=int, default=20, help="training epochs per model (default 20, as compare)")
    p.add_argument("--models", default=",".join(MODELS), help="comma-separated subset of drnn,brnn,lstm,gru")
    p.add_argument("--data", default=tr.DEFAULT_DATA)
    p.add_argument("--seq", type=int, default=16)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0, help="first seed (default 0, as compare)")
    p.add_argument("--seeds", type=int, default=3, help="seeds per model (default 3, as compare)")
    p.add_argument("--json", action="store_true", help="print exactly one JSON line on stdout")
    p.add_argument("--threads", type=int, default=1, help="intra-op threads (default 1)")
    p.add_argument("--check", action="store_true", help="print versions as JSON and exit (0 = torch usable)")
    args = p.parse_args(argv)
    args.models = [m for m in args.models.split(",") if m]
    for m in args.models:
        if m not in MODELS:
            p.error(f"unknown model {m!r}: choose from {', '.join(MODELS)}")
    if args.epochs < 1:
        p.error("--epochs must be >= 1")
    if args.seeds < 1:
        p.error("--seeds must be >= 1")
    return args


def split_ids(W, T, h=1):
    """rnnlab's splitWindows with default fractions and 'span' purge: (train, val, test) id ranges, trainEnd."""
    n_train = int(W * FRACTIONS[0] + 1e-9)
    n_val = int(W * FRACTIONS[1] + 1e-9)
    lead = T - 1 + h
    train = range(0, n_train)
    val = range(n_train + lead, n_train + n_val)
    test = range(n_train + n_val + lead, W)
    return train, val, test, n_train + lead


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    torch = tr.import_torch()
    import numpy as np

    torch.set_num_threads(max(1, args.threads))
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    vers = tr.versions(torch)
    if args.check:
        print(json.dumps({"runner": "torch", "ok": True, "versions": vers}))
        return 0
    t_work = time.perf_counter()
    import_seconds = t_work - T_PROCESS_START

    T = args.seq
    B = args.batch
    prices = np.asarray(tr.load_close(args.data), dtype=np.float64)
    n = len(prices)
    W = n - T
    train_ids, val_ids, test_ids, train_end = split_ids(W, T)
    mean = prices[:train_end].mean()
    std = prices[:train_end].std(ddof=1)
    z = (prices - mean) / std
    idx = np.arange(W)[:, None] + np.arange(T)[None, :]
    X = torch.from_numpy(np.ascontiguousarray(z[idx].astype(np.float32)[:, :, None]))
    Y = torch.from_numpy(np.ascontiguousarray(z[idx + 1].astype(np.float32)))  # (W, T)
    tr_idx = torch.tensor(list(train_ids))
    X_val, Y_val = X[list(val_ids)], Y[list(val_ids)]
    test = list(test_ids)
    X_test = X[test]
    actual = prices[np.asarray(test) + T]  # day after each window's last input
    if len(test) == 0 or len(val_ids) == 0:
        print("the series is too short for the split", file=sys.stderr)
        return 1

    def train_one(kind, seed):
        """Trains one model on one seed; returns (its test forecast in price units, final train MSE, val MSE)."""
        torch.manual_seed(seed)
        gen = torch.Generator().manual_seed(seed)
        model = tr.build_model(torch, kind, args.hidden, args.layers)
        opt = torch.optim.Adam(model.parameters(), lr=args.lr)
        last_only = kind == "brnn"  # rnnlab trains and scores the BRNN on the last position only

        def scored(pred, y):
            pred = pred.squeeze(-1)
            return (pred[:, -1:], y[:, -1:]) if last_only else (pred, y)

        train_mse = []
        val_mse = []
        for epoch in range(args.epochs):
            model.train()
            perm = tr_idx[torch.randperm(len(tr_idx), generator=gen)]
            total = 0.0
            count = 0
            for s in range(0, len(perm), B):
                bi = perm[s : s + B]
                opt.zero_grad()
                p, y = scored(model(X[bi]), Y[bi])
                loss = ((p - y) ** 2).sum()
                loss.backward()
                opt.step()
                total += loss.item()
                count += p.numel()
            train_mse.append(total / count)
            model.eval()
            with torch.no_grad():
                vs = 0.0
                vn = 0
                for s in range(0, len(X_val), 256):
                    p, y = scored(model(X_val[s : s + 256]), Y_val[s : s + 256])
                    vs += ((p - y) ** 2).sum().item()
                    vn += p.numel()
            val_mse.append(vs / vn)
            tr.log(
                f"[torch compare {kind} seed {seed}] epoch {epoch + 1}/{args.epochs} train {train_mse[-1]:.5f} "
                f"val {val_mse[-1]:.5f}"
            )
        model.eval()
        with torch.no_grad():
            out = np.concatenate(
                [model(X_test[s : s + 256])[:, -1, 0].numpy() for s in range(0, len(X_test), 256)]
            )
        params = sum(p.numel() for p in model.parameters())
        return out.astype(np.float64) * std + mean, train_mse[-1], val_mse[-1], params

    results = []
    seeds = [args.seed + k for k in range(args.seeds)]
    for kind in args.models:
        t0 = time.perf_counter()
        runs = [train_one(kind, seed) for seed in seeds]
        train_seconds = time.perf_counter() - t0
        forecast = np.mean([r[0] for r in runs], axis=0)  # the seed ensemble
        results.append(
            {
                "model": kind,
                "params": runs[0][3],
                "seeds": seeds,
                "trainSeconds": train_seconds,
                "seconds": time.perf_counter() - t0,
                "finalTrainMse": statistics.median(r[1] for r in runs),
                "finalValMse": statistics.median(r[2] for r in runs),
                "testMae": float(np.abs(forecast - actual).mean()),
            }
        )

    result = {
        "runner": "torch",
        "mode": "compare",
        "epochs": args.epochs,
        "seeds": seeds,
        "models": results,
        "workSeconds": time.perf_counter() - t_work,
        "importSeconds": import_seconds,
        "windows": {"train": len(train_ids), "val": len(val_ids), "test": len(test)},
        "threads": torch.get_num_threads(),
        "peakRssMb": tr.peak_rss_mb(),
        "versions": vers,
    }
    if args.json:
        print(json.dumps(result), flush=True)
    else:
        print(json.dumps(result, indent=2))
        print(f"median train s per model: {statistics.median(r['trainSeconds'] for r in results):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
