"""The safe model format, and writing it.

A model file is a safetensors file. Its tensors are the numbers: the data
map's statistics and the networks' weights. Its metadata holds the format's
name and version, a JSON document (the estimator's parameters, versions and
fitted settings, enough to rebuild the estimator through its constructor) and
a SHA-256 checksum of the document and the tensors. Parameters that are code
(a custom network class, a callback, an optimizer class) are stored as
import paths. ``_loading`` reads the format back without running code.
"""

import functools
import hashlib
import importlib
import json
import math
import os
import pathlib
import re
import struct

import numpy as np
import safetensors
import safetensors.torch
import sklearn
import skorch
import torch

from ._atomic import replacing
from ._drawing import DRAW_SETTINGS, check_draw_settings
from ._params import network_shapes
from ._table import dtype_record
from ._version import __version__
from ._warnings import warn
from .exceptions import DroppedParameterWarning

__all__ = ["FORMAT", "FORMAT_VERSION", "is_pickle", "is_safe_model", "save_model"]

FORMAT = "gansampler"
# 2 (gansampler 0.9): tables of every kind, their columns' codecs as JSON.
# 3 (gansampler 0.12): a discriminator's dropout, between its layers, moves
# the names of their weights.
# 4 (gansampler 0.15): what the "auto" settings that shape the networks
# stood for (``network_shapes``), since "auto" now sizes a mixed table's
# networks to its rows.
# 5 (gansampler 0.19): levels and column names of other types than JSON's
# (dates, timestamps, decimals, tuples, ...), tagged; Python's dates, times
# and integers in columns of objects. A file without them is written as 4,
# which older versions read.
# 6 (gansampler 0.20.1): Arrow's types (``arrow``) and the storage of
# pandas' text (``storage``) in a column's dtype record. A file without them
# is written as 5 or 4.
# 7 (gansampler 0.24): an Arrow dictionary of zoned times, learned as
# categories: older versions read its values without their zone, and score
# them as levels never seen. A file without one is written as 6, 5 or 4.
# 8 (gansampler 0.33): Python's decimals in a column of objects, learned as
# numbers (before, as levels): older versions give them back as floats. A
# file without them is written as 7, 6, 5 or 4.
# 9 (gansampler 0.34): Python's times of day as levels (``time``), which
# older versions cannot read. A file without them is written as 8 or older.
FORMAT_VERSION = 9
# Parameters whose code a sampler needs to sample: without it, no model.
# Every other parameter that is code serves training only, and is dropped
# (back to its default) when it cannot be stored or is not trusted.
NEEDED_TO_SAMPLE = ("generator", "activation")
PLAYERS = ("generator", "discriminator")
OPTIMIZERS = ("generator_optimizer", "discriminator_optimizer")
LABEL_DTYPES = ("b", "i", "u", "f", "U", "O")
IMPORT_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
# The first bytes of the compressed files that joblib writes.
_COMPRESSED = (b"x\x01", b"x^", b"x\x9c", b"x\xda", b"\x1f\x8b", b"BZh",
               b"\xfd7zXZ", b"]\x00\x00", b"\x04\x22\x4d\x18")  # fmt: skip


# Protocols 0 and 1 start with a class or function by name, "cmodule\nname\n",
# then store it as their first memo ("p0\n", "q\x00"); a text file of one
# column may start with two such lines.
_OLD_PICKLE = re.compile(rb"\(?c[A-Za-z_][\w.]*\n[A-Za-z_][\w.]*\n(?:p0\n|q\x00)")


class _Unsaveable(Exception):
    """A parameter value that the format cannot name."""


# --- values, parameters and code ------------------------------------------------


def _code_path(obj):
    """The import path ``module:qualname`` of a class or function."""
    module = getattr(obj, "__module__", None)
    name = getattr(obj, "__qualname__", None)
    if not module or not name or "<" in name:
        raise _Unsaveable(
            f"{obj!r} is defined inside a function or is a lambda: it has no "
            "import path"
        )
    path = f"{module}:{name}"
    try:
        found = import_code(path)
    except ValueError:
        found = None
    # Equal, not the same: a class's method is a new bound method each time.
    if found is not obj and found != obj:
        raise _Unsaveable(f"{obj!r} cannot be imported as {path}")
    return path


def code_paths(encoded, *, samplers=True):
    """Every import path in an encoded value; without those of a sampler
    within it (a GANResampler's) where ``samplers`` is False."""
    if isinstance(encoded, list):
        return [p for value in encoded for p in code_paths(value, samplers=samplers)]
    if not isinstance(encoded, dict) or ("$estimator" in encoded and not samplers):
        return []
    own = [encoded["$code"]] if "$code" in encoded else []
    return own + [
        p for value in encoded.values() for p in code_paths(value, samplers=samplers)
    ]


def import_code(path):
    if not IMPORT_PATH.match(path):
        raise ValueError(f"{path!r} is not an import path (module:name).")
    module_name, _, name = path.partition(":")
    try:
        obj = importlib.import_module(module_name)
        for part in name.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise ValueError(
            f"cannot import {path}, named by the model: install the package that "
            f"defines it ({type(exc).__name__}: {exc})."
        ) from None
    return obj


def _encode(value, sampler_class=None):
    """A parameter value as JSON, with tags for tuples, dicts, estimators and
    code."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_encode(v, sampler_class) for v in value]
    if hasattr(value, "__array__"):  # an array, a pandas Index or Series
        try:
            array = np.asarray(value)
        except (TypeError, ValueError, RuntimeError):  # a GPU's tensor, say
            array = None
        if array is not None and array.ndim == 1:
            return [_encode(v, sampler_class) for v in array.tolist()]  # as a list
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v, sampler_class) for v in value]}
    if isinstance(value, dict):
        return {
            "$dict": [
                [_encode(k, sampler_class), _encode(v, sampler_class)]
                for k, v in value.items()
            ]
        }
    if sampler_class is not None and type(value) is sampler_class:
        return {"$estimator": "GANSampler", "params": _encode_params(value)}
    if isinstance(value, functools.partial):
        return {
            "$code": _code_path(value.func),
            "args": _encode(list(value.args)),
            "kwargs": _encode(dict(value.keywords)),
        }
    if isinstance(value, type) or (callable(value) and hasattr(value, "__qualname__")):
        return {"$code": _code_path(value)}
    if hasattr(value, "get_params"):  # a callback or an estimator: rebuilt
        return {
            "$code": _code_path(type(value)),
            "params": _encode(value.get_params(deep=False)),
        }
    raise _Unsaveable(f"{type(value).__name__} values cannot be stored")


def _encode_params(estimator, sampler_class=None, params=None):
    """The parameters of ``estimator`` (or ``params``) as JSON; a parameter
    the format cannot name is dropped with a warning, unless a sampler needs
    it to sample."""
    encoded = {}
    if params is None:
        params = estimator.get_params(deep=False)
    for name, value in params.items():
        try:
            encoded[name] = _encode(value, sampler_class)
            # Code of the running script or notebook imports in no other
            # process; a sampler within warns of its own.
            script = [p for p in code_paths(encoded[name], samplers=False)
                      if p.startswith("__main__:")]  # fmt: skip
            if script and name in NEEDED_TO_SAMPLE:
                warn(
                    f"{', '.join(dict.fromkeys(script))} is defined in the script "
                    "or notebook that runs: the saved model loads only where __main__ "
                    "defines it. To share the model, define it in a module and "
                    "fit again."
                )
            elif script:
                warn(
                    f"{', '.join(dict.fromkeys(script))} is defined in the script "
                    f"or notebook that runs: the saved model loads with its "
                    f"{name} only where __main__ defines it, and trusted= names "
                    "it; elsewhere without, which matters only if it is trained "
                    "again."
                )
        except _Unsaveable as exc:
            if name in NEEDED_TO_SAMPLE:
                raise ValueError(
                    f"{name}={value!r} cannot be saved in the safe format: {exc}. "
                    "Define it at the top level of a module, or save with joblib."
                ) from None
            warn(
                DroppedParameterWarning(
                    f"{type(estimator).__name__}'s {name}={value!r} is not saved "
                    f"({exc}); the loaded model has {name}="
                    f"{default_of(type(estimator), name)!r}."
                )
            )
    return encoded


def default_of(estimator, name):
    return estimator().get_params(deep=False)[name]


def _encode_labels(values):
    labels = np.asarray(values)
    if labels.dtype.kind not in LABEL_DTYPES or (
        labels.dtype.kind == "O" and not all(isinstance(v, str) for v in labels.flat)
    ):
        raise ValueError(
            f"class labels of dtype {labels.dtype} cannot be saved in the safe "
            "format: use integers, strings or booleans, or save with joblib."
        )
    dtype = "object" if labels.dtype.kind == "O" else labels.dtype.str
    return {"dtype": dtype, "values": labels.tolist()}


# --- the fitted parts -------------------------------------------------------------


def _numpy_tensor(array):
    return torch.from_numpy(np.ascontiguousarray(array))


def _data_map_state(data_map, tensors, prefix):
    config, arrays = data_map.state()
    for name, array in arrays.items():
        tensors[prefix + name] = _numpy_tensor(array)
    return config


def _module_states(net, training_state):
    modules = ["generator_ema"]
    if training_state:
        # A net that never trained here (loaded to sample) has no optimizers
        # yet: training from the file starts them afresh.
        built = [name for name in OPTIMIZERS if getattr(net, name + "_") is not None]
        modules += [*PLAYERS, *built]
    return {name: getattr(net, name + "_").state_dict() for name in modules}


def _flatten(state, prefix, tensors):
    """A (nested) state dictionary's tensors into ``tensors``; the rest as
    JSON, with each tensor's place marked by its name."""
    if isinstance(state, torch.Tensor):
        tensors[prefix] = state.detach().cpu().contiguous().clone()
        return {"$tensor": prefix}
    if isinstance(state, dict):
        return {"$dict": [[k, _flatten(v, f"{prefix}.{k}", tensors)]
                          for k, v in state.items()]}  # fmt: skip
    if isinstance(state, list | tuple):
        return [_flatten(v, f"{prefix}.{i}", tensors) for i, v in enumerate(state)]
    if isinstance(state, bool | int | float | str) or state is None:
        return state
    raise ValueError(f"cannot save a {type(state).__name__} in a network's state")


def _sampler_state(sampler, tensors, prefix, training_state):
    # The model as fitted: settings changed since shape the next fit only
    # (models pickled before 0.20 do not say).
    settings = getattr(sampler, "fitted_params_", None)
    if settings is None or not hasattr(sampler, "net_"):
        settings = sampler.get_params(deep=False)
    else:
        # Those that a draw reads as they are now, as the sampler draws; a
        # value that a draw refuses is refused here, before any file is
        # written that load would refuse.
        check_draw_settings(sampler)
        now = {name: getattr(sampler, name) for name in DRAW_SETTINGS}
        settings = {**settings, **{k: v for k, v in now.items() if k in settings}}
    _warn_changed(sampler, settings)
    params = _encode_params(sampler, params=settings)
    config = {"estimator": "GANSampler", "params": params, "fitted": None}
    if not hasattr(sampler, "net_"):
        return config
    net = sampler.net_
    names = getattr(sampler, "feature_names_in_", None)
    classes = getattr(sampler, "classes_", None)
    y_dtype = getattr(sampler, "y_dtype_", None)
    tensors[prefix + "class_prior_"] = _numpy_tensor(
        np.asarray(net.class_prior_, dtype=np.float64)
    )
    states = _module_states(net, training_state)
    # A discriminator or an optimizer the file cannot name loads as the
    # default one, which its weights or state do not fit.
    if "discriminator" not in params:
        for name in ("discriminator", "discriminator_optimizer"):
            states.pop(name, None)
    if "optimizer" not in params:
        for name in OPTIMIZERS:
            states.pop(name, None)
    states = {
        name: _flatten(state, f"{prefix}{name}", tensors)
        for name, state in states.items()
    }
    config["fitted"] = {
        "n_features_in": int(sampler.n_features_in_),
        "feature_names_in": None if names is None else [str(n) for n in names],
        "classes": None if classes is None else _encode_labels(classes),
        # The name of y (0.31 on): older readers ignore it.
        "y_name": getattr(sampler, "y_name_", None),
        # The dtype of a Series y (0.37 on), which older readers ignore.
        "y_dtype": None if y_dtype is None else dtype_record(y_dtype, "y"),
        "device": str(sampler.device_),
        "seed": net.random_state,
        "n_iter": int(sampler.n_iter_),
        # The rounds played, training that went on after fit included
        # (0.36 on): the average's and R1's schedules read them.
        "n_rounds": int(net.n_rounds_),
        # The rows the "auto" settings were sized to, and the epoch kept.
        "n_rows": _count_or_none(getattr(sampler, "n_samples_fit_", None)),
        "best_epoch": _count_or_none(getattr(sampler, "best_epoch_", None)),
        "n_fingerprints": _fingerprints(sampler, tensors, prefix),
        "history": _history_state(net.history, tensors, prefix + "history."),
        "data_map": None
        if sampler.data_map_ is None
        else _data_map_state(sampler.data_map_, tensors, prefix + "data_map."),
        "table_map": sampler.table_map_.state(),
        # What the "auto" settings that shape the networks stood for (format
        # 4, 0.15 on): later rules may size them otherwise.
        "network_shapes": network_shapes(net),
        "states": states,
    }
    return config


def _warn_changed(sampler, settings):
    """Warn that parameters set since ``fit`` are not what the file holds."""
    changed = [
        name
        for name, value in sampler.get_params(deep=False).items()
        if not _same(value, settings[name])
    ]
    if changed:
        warn(
            DroppedParameterWarning(
                f"{', '.join(changed)} changed since fit; the file holds the model "
                "as fitted, with the settings it was fitted with "
                f"({', '.join(f'{n}={settings[n]!r}' for n in changed)}). Fit "
                "again to save the new ones."
            )
        )


def _same(a, b):
    if a is b:
        return True
    try:
        return bool(np.array_equal(a, b)) if isinstance(a, np.ndarray) else bool(a == b)
    except (TypeError, ValueError):  # values that do not compare
        return False


def _history_state(history, tensors, prefix):
    """The history as JSON, with the values of every round as tensors: a
    number per round is text the size of the weights. What a callback
    recorded that is neither JSON nor a tensor or an array of it (a value
    per round that is not a number) is left out, with a warning."""
    dropped = set()

    def kept(record, skip=()):
        plain = {}
        for key, value in record.items():
            value = _plain(value) if key not in skip else value
            if value is _NOT_PLAIN:
                dropped.add(key)
            else:
                plain[key] = value
        return plain

    epochs = [kept(epoch, skip=("batches",)) for epoch in history]
    # A round that recorded nothing (one interrupted, as by Ctrl-C in
    # net_.partial_fit) is left out; the rounds that lack a figure others
    # have (interrupted, or a callback's that records on some rounds) are
    # listed, their places in its tensor NaN.
    batches = [
        [kept(batch) for batch in epoch.pop("batches", []) if batch] for epoch in epochs
    ]
    rounds = [batch for epoch in batches for batch in epoch]
    keys = sorted({key for batch in rounds for key in batch})
    round_keys, absent = [], {}
    for key in keys:
        values = [batch.get(key, math.nan) for batch in rounds]
        if not all(isinstance(v, int | float) and not isinstance(v, bool)
                   for v in values):  # fmt: skip
            dropped.add(key)
            continue
        tensors[prefix + key] = torch.tensor(values, dtype=torch.float64)
        round_keys.append(key)
        lacking = [i for i, batch in enumerate(rounds) if key not in batch]
        if lacking:
            absent[key] = lacking
    if dropped:
        warn(
            DroppedParameterWarning(
                f"The history's {', '.join(map(repr, sorted(dropped, key=str)))} "
                f"{'is' if len(dropped) == 1 else 'are'} not saved: the safe "
                "format keeps numbers, text and lists of "
                "them, and a number per round. Record such values as numbers, or "
                "save with joblib."
            )
        )
    state = {"epochs": epochs, "rounds": [len(epoch) for epoch in batches],
             "round_keys": round_keys}  # fmt: skip
    if absent:  # 0.32 on; earlier versions read NaN there
        state["absent"] = absent
    return state


# What _plain returns for a value that JSON cannot hold.
_NOT_PLAIN = object()


def _plain(value):
    """``value`` as JSON's values (tensors and arrays as numbers or lists),
    or ``_NOT_PLAIN``."""
    if isinstance(value, torch.Tensor | np.ndarray | np.generic):
        value = value.tolist()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        items = [_plain(v) for v in value]
        return _NOT_PLAIN if any(v is _NOT_PLAIN for v in items) else items
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        items = {k: _plain(v) for k, v in value.items()}
        return _NOT_PLAIN if any(v is _NOT_PLAIN for v in items.values()) else items
    return _NOT_PLAIN


def _json_number(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _resampler_state(resampler, tensors, training_state, sampler_class):
    params = _encode_params(resampler, sampler_class)
    config = {"estimator": "GANResampler", "params": params,
              "fitted": None}  # fmt: skip
    if not hasattr(resampler, "sampling_strategy_"):
        return config
    strategy = resampler.sampling_strategy_
    names = getattr(resampler, "feature_names_in_", None)
    fitted = {
        "n_features_in": int(resampler.n_features_in_),
        "feature_names_in": None if names is None else [str(n) for n in names],
        "sampling_strategy": {
            "classes": _encode_labels(list(strategy)),
            "counts": [int(n) for n in strategy.values()],
        },
        "samplers": None,
    }
    samplers = getattr(resampler, "samplers_", None)
    if samplers is not None:
        models, index = [], []
        for sampler in samplers.values():
            if type(sampler) is not sampler_class:
                raise ValueError(
                    f"the resampler's samplers are of type {type(sampler).__name__}: "
                    "only GANSamplers can be saved in the safe format; save with "
                    "joblib."
                )
            known = [i for i, m in enumerate(models) if m is sampler]
            if not known:
                models.append(sampler)
            index.append(known[0] if known else len(models) - 1)
        fitted["samplers"] = {
            "classes": _encode_labels(list(samplers)) if samplers else None,
            "index": index,
            "models": [
                _sampler_state(m, tensors, f"samplers.{i}.", training_state)
                for i, m in enumerate(models)
            ],
        }
    config["fitted"] = fitted
    return config


# --- files ------------------------------------------------------------------------


def checksum(config_text, payload):
    """SHA-256 of a model file's document, its table of tensors (names,
    dtypes, shapes and places) and the tensors' bytes: of all but itself."""
    (header_size,) = struct.unpack("<Q", payload[:8])
    table = json.loads(payload[8 : 8 + header_size])
    table.pop("__metadata__", None)
    digest = hashlib.sha256(config_text.encode())
    digest.update(json.dumps(table, sort_keys=True).encode())
    digest.update(payload[8 + header_size :])
    return digest.hexdigest()


def save_model(estimator, path, *, training_state, sampler_class):
    """Write ``estimator``, a ``sampler_class`` (GANSampler) or a
    GANResampler of them, to ``path`` in the safe format, atomically."""
    target = pathlib.Path(path)
    # pathlib drops a trailing /, which names a folder.
    if target.is_dir() or os.fspath(path).endswith(("/", os.sep)):
        raise ValueError(f"{path}: is a folder; give a file name.")
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"{path}: the folder {str(target.parent)!r} does not exist."
        )
    tensors = {}
    if isinstance(estimator, sampler_class):
        config = _sampler_state(estimator, tensors, "", training_state)
    else:
        config = _resampler_state(estimator, tensors, training_state, sampler_class)
    config["versions"] = {
        "gansampler": __version__,
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "skorch": skorch.__version__,
        "safetensors": safetensors.__version__,
        "numpy": np.__version__,
    }
    config_text = json.dumps(config, default=_json_number, allow_nan=True)
    metadata = {"format": FORMAT, "format_version": str(_oldest_format(config)),
                "config": config_text}  # fmt: skip
    # The tensors and their table do not depend on the metadata: serialise
    # once to checksum them with the document, then again with the checksum.
    draft = safetensors.torch.save(tensors, metadata=metadata | {"sha256": ""})
    metadata["sha256"] = checksum(config_text, draft)
    del draft  # as large as the model
    payload = safetensors.torch.save(tensors, metadata=metadata)
    header, data = _in_fixed_order(payload)
    with replacing(path) as temporary, open(temporary, "wb") as handle:
        handle.write(header)
        handle.write(data)


def _in_fixed_order(payload):
    """The header of ``payload``, a safetensors file, with its metadata's
    keys sorted, and a view of its data: safetensors writes the keys in a
    hash map's order, which changes from one save to the next, and a model
    saved twice was then two files."""
    (header_size,) = struct.unpack("<Q", payload[:8])
    header = json.loads(payload[8 : 8 + header_size])
    header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    # Padded with spaces to whole 8-byte words, as safetensors aligns it.
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, memoryview(payload)[8 + header_size :]


def _oldest_format(config):
    """The oldest format version that reads ``config`` as it is meant: 9, 8,
    7, 6 or 5 where a table's columns use what those formats added, else 4."""

    def tagged(value):
        return isinstance(value, dict) and set(value) != {"float"}

    def uses_five(column):
        record = column["dtype"]
        levels = [*record.get("categories", []),
                  *column.get("codec", {}).get("levels", [])]  # fmt: skip
        return (isinstance(column["name"], dict | list)
                or "values" in record or "tz" in record
                or any(map(tagged, levels)))  # fmt: skip

    def tables(value):
        if isinstance(value, dict):
            table = value.get("table_map")
            if isinstance(table, dict):
                yield table
            for item in value.values():
                yield from tables(item)
        elif isinstance(value, list):
            for item in value:
                yield from tables(item)

    def uses_six(column):
        record = column["dtype"]
        return bool({"arrow", "storage"} & set(record)) or isinstance(
            record.get("categories_dtype"), dict
        )

    def uses_seven(column):
        arrow = column["dtype"].get("arrow")
        if not (isinstance(arrow, dict) and "dictionary" in arrow):
            return False
        values = arrow["dictionary"][1]
        return (isinstance(values, dict) and "timestamp" in values
                and values["timestamp"][1] is not None)  # fmt: skip

    def holds_time(value):  # a time of day, tagged, here or within
        if isinstance(value, dict):
            return set(value) == {"time"} or any(map(holds_time, value.values()))
        return isinstance(value, list) and any(map(holds_time, value))

    def uses_nine(column):  # times of day in levels or names, tuples too
        record = column["dtype"]
        return holds_time([column["name"], record.get("categories", []),
                           column.get("codec", {}).get("levels", [])])  # fmt: skip

    columns = [c for table in tables(config) for c in table["columns"]]
    axis_names = [table.get("axis_names") for table in tables(config)]
    if any(map(uses_nine, columns)) or holds_time(axis_names):
        return 9
    if any(column["dtype"].get("values") == "decimal" for column in columns):
        return 8
    if any(map(uses_seven, columns)):
        return 7
    if any(map(uses_six, columns)):
        return 6
    return 5 if any(map(uses_five, columns)) else 4


def is_pickle(payload):
    """Whether the bytes of a file look like a pickle, plain or compressed
    as joblib compresses (zlib, gzip, bz2, xz, lzma, lz4)."""
    if payload[8:9] == b"{":
        # A safetensors file, whole or cut short: the first byte of its
        # header's size may be a pickle's first byte too (a header of 128
        # bytes more than a multiple of 256 starts with 0x80).
        return False
    return (
        payload[:1] == b"\x80"  # protocols 2 and later
        or _OLD_PICKLE.match(payload[:256]) is not None
        or payload.startswith(_COMPRESSED)
    )


def is_safe_model(payload, size=None):
    """Whether the bytes of a file (its first bytes, of a file of ``size``
    bytes) look like a safetensors file."""
    size = len(payload) if size is None else size
    if len(payload) < 9:
        return False
    (header_size,) = struct.unpack("<Q", payload[:8])
    return header_size <= size - 8 and payload[8:9] == b"{"


def _count_or_none(value):
    return None if value is None else int(value)


def _fingerprints(sampler, tensors, prefix):
    """Store the training rows' fingerprints (``redraw_copies``), as int64
    (safetensors' torch has no uint64); their count, or None without."""
    fingerprints = getattr(sampler, "training_fingerprints_", None)
    if fingerprints is None:
        return None
    tensors[prefix + "training_fingerprints_"] = _numpy_tensor(
        fingerprints.view(np.int64)
    )
    return len(fingerprints)
