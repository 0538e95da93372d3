"""Start-up time of the command line, against Python's and torch's.

``gansampler --help`` and ``gansampler fit --help`` import neither torch nor
scikit-learn: their cost is the time above a bare ``python -c pass`` (target:
0.5 s at most). ``gansampler sample MODEL -n 5`` imports torch, skorch and
scikit-learn to load the model and draw 5 rows: its cost is its ratio to
``python -c "import torch"`` (target: 1.5 at most), shown beside the floor
that these libraries set, ``python -c "import torch, skorch"`` (skorch imports
scikit-learn, which imports SciPy, and pandas where it is installed). The
model is fitted (1 epoch of 5 rounds) and saved to a temporary folder first.
Each command runs in fresh processes, once to warm the file cache and then
``--repeats`` times, in turn with the others so that a busy moment of the
machine slows them all, and the median seconds are printed::

    python benchmarks/startup.py [--repeats 5]
"""

import argparse
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

from gansampler import GANSampler
from gansampler.exceptions import CollapseWarning

HELP_TARGET = 0.5  # seconds above python -c pass
SAMPLE_TARGET = 1.5  # times python -c "import torch"


def verdict(met):
    return "met" if met else "MISSED"


def gansampler_command():
    """The ``gansampler`` script of this Python, or ``python -m gansampler``."""
    script = shutil.which("gansampler", path=str(pathlib.Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "gansampler"]


def median_seconds(commands, repeats):
    """The median seconds of each of ``commands``, each run in a fresh
    process: once to warm the file cache, then ``repeats`` times."""
    times = {name: [] for name in commands}
    for repeat in range(repeats + 1):
        for name, command in commands.items():
            start = time.perf_counter()
            result = subprocess.run(command, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True)  # fmt: skip
            seconds = time.perf_counter() - start
            if result.returncode:
                sys.exit(f"{name} failed:\n{result.stderr}")
            if repeat:
                times[name].append(seconds)
    return {name: statistics.median(seconds) for name, seconds in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    gansampler = gansampler_command()
    with tempfile.TemporaryDirectory() as folder:
        model = pathlib.Path(folder) / "model.safetensors"
        X = np.random.default_rng(0).normal(4.0, 1.25, size=(1_000, 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CollapseWarning)  # 5 rounds
            sampler = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0)
            sampler.fit(X).save(model)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            'python -c "import torch"': [sys.executable, "-c", "import torch"],
            'python -c "import torch, skorch"': [sys.executable, "-c",
                                                 "import torch, skorch"],
            "gansampler --help": [*gansampler, "--help"],
            "gansampler fit --help": [*gansampler, "fit", "--help"],
            "gansampler sample MODEL -n 5": [*gansampler, "sample", str(model),
                                             "-n", "5"],
        }  # fmt: skip
        seconds = median_seconds(commands, args.repeats)

    bare = seconds["python -c pass"]
    torch = seconds['python -c "import torch"']
    floor = seconds['python -c "import torch, skorch"']
    sample = seconds["gansampler sample MODEL -n 5"]
    notes = {'python -c "import torch, skorch"': f"{floor / torch:.2f}x import torch"}
    for name in ("gansampler --help", "gansampler fit --help"):
        over = seconds[name] - bare
        notes[name] = (f"{over:+.2f} s over python -c pass, "
                       f"{verdict(over <= HELP_TARGET)} (target <= "
                       f"{HELP_TARGET} s)")  # fmt: skip
    ratio = sample / torch
    notes["gansampler sample MODEL -n 5"] = (
        f"{ratio:.2f}x import torch, {verdict(ratio <= SAMPLE_TARGET)} (target <= "
        f"{SAMPLE_TARGET}x); {sample - floor:+.2f} s over import torch, skorch"
    )

    print(f"Start-up: median seconds of {args.repeats} fresh processes "
          f"(gansampler: {' '.join(gansampler)})")  # fmt: skip
    width = max(map(len, seconds))
    for name, value in seconds.items():
        print(f"  {name:<{width}}  {value:5.2f} s  {notes.get(name, '')}".rstrip())


if __name__ == "__main__":
    main()
