"""Loading a model saved in the safe format, without running code.

Loading parses JSON and copies numbers: it never unpickles. Code that the
model names (a custom network class, a callback) is imported only when the
caller trusts it.
"""

import copy
import functools
import inspect
import json
import math
import os
import pathlib
import struct
import sys
from collections import OrderedDict

import numpy as np
import safetensors.torch
import torch
from skorch.history import History

from ._callbacks import EpochFidelity
from ._device import resolve_device
from ._drawing import gives_back_labels
from ._networks import Discriminator, Generator
from ._params import NETWORK_SHAPES
from ._preprocessing import DataMap
from ._random import gradients_on, torch_threads
from ._resampler import GANResampler
from ._resources import check_memory
from ._sampler import GANSampler, make_net
from ._saving import (
    FORMAT,
    FORMAT_VERSION,
    IMPORT_PATH,
    LABEL_DTYPES,
    NEEDED_TO_SAMPLE,
    OPTIMIZERS,
    PLAYERS,
    checksum,
    code_paths,
    default_of,
    import_code,
    is_pickle,
    is_safe_model,
)
from ._table import TableMap, record_dtype
from ._version import __version__
from ._warnings import warn
from .exceptions import DroppedParameterWarning, InconsistentVersionWarning

__all__ = ["load", "load_bytes", "read_model_file"]

# Where the classes that need no trust live: torch's network pieces and
# optimizers, and gansampler's networks.
_VETTED_MODULES = ("torch.nn.modules.", "torch.optim.", "gansampler._networks")
# safetensors' own limit on the header, checked before reading the rest.
_MAX_HEADER_BYTES = 100_000_000


class _Untrusted(Exception):
    """Code that the caller did not trust."""


def _vetted(path):
    """The class that ``path`` names if it is one of torch's network pieces
    or optimizers, or gansampler's networks, which every installation already
    trusts; None otherwise. Looked up among the modules already imported:
    nothing is imported."""
    module_name, _, name = path.partition(":")
    if (
        not IMPORT_PATH.match(path)
        or not module_name.startswith(_VETTED_MODULES)
        or any(part.startswith("_") for part in name.split("."))
    ):
        return None
    obj = sys.modules.get(module_name)
    for part in name.split("."):
        obj = getattr(obj, part, None)
    is_piece = isinstance(obj, type) and issubclass(
        obj, torch.nn.Module | torch.optim.Optimizer
    )
    return obj if is_piece and obj.__module__ == module_name else None


def _decode(value, trust):
    if isinstance(value, list):
        return [_decode(v, trust) for v in value]
    if not isinstance(value, dict):
        return value
    if "$tuple" in value:
        return tuple(_decode(v, trust) for v in value["$tuple"])
    if "$dict" in value:
        return {_decode(k, trust): _decode(v, trust) for k, v in value["$dict"]}
    if "$estimator" in value:
        if value["$estimator"] != "GANSampler":
            raise ValueError(f"unknown estimator {value['$estimator']!r}")
        params = {k: _decode(v, trust) for k, v in value["params"].items()}
        return _construct(GANSampler, params)
    if "$code" in value:
        # An object built from the file's settings (a callback) needs the
        # caller's trust even for torch's classes: its settings are the file's.
        obj = trust(value["$code"], build="params" in value)
        if "params" in value:
            return obj(**_decode(value["params"], trust))
        if "args" in value:
            args = _decode(value["args"], trust)
            kwargs = _decode(value["kwargs"], trust)
            if _vetted(value["$code"]) is obj:
                _check_placement(obj, args, kwargs, value["$code"])
            return functools.partial(obj, *args, **kwargs)
        return obj
    raise ValueError(f"unknown value {value!r}")


def _check_placement(cls, args, kwargs, code):
    """Refuse a device or a dtype in the settings of one of torch's pieces:
    it would build the piece there, not on the meta device on which the
    networks are checked before any memory is spent on them; ``load`` places
    the networks itself."""
    try:
        given = inspect.signature(cls).bind_partial(*args, **kwargs).arguments
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the settings of {code} do not fit it: {exc}") from None
    placed = sorted({"device", "dtype"} & given.keys())
    if placed:
        raise ValueError(
            f"{code} is given a {' and a '.join(placed)} of its own: a saved "
            "model's networks are placed where load puts them (device=)"
        )


def _decode_params(estimator, encoded, trusted, path):
    """The parameters of an ``estimator`` from JSON. Code that the caller did
    not trust raises where sampling needs it, and is dropped elsewhere."""
    trusted = set(trusted)

    def trust(code, build=False):
        if code in trusted:
            return import_code(code)
        vetted = None if build else _vetted(code)
        if vetted is None:
            raise _Untrusted(code)
        return vetted

    params, needed, dropped = {}, [], set()
    for name, value in encoded.items():
        try:
            params[name] = _decode(value, trust)
        except _Untrusted:
            paths = [p for p in code_paths(value) if p not in trusted]
            if name in NEEDED_TO_SAMPLE:
                needed += paths
                continue
            params[name] = default_of(estimator, name)
            dropped.add(name)
            warn(
                DroppedParameterWarning(
                    f"{path}: {name} is code ({', '.join(paths)}), not loaded: the "
                    f"model has {name}={params[name]!r}, which matters only if it "
                    f"is trained again. Pass trusted={paths!r} to load it, if you "
                    "trust that code."
                )
            )
    if needed:
        raise ValueError(
            f"{path}: the model's generator needs code to sample: {', '.join(needed)}. "
            f"If you trust that code, load the model with trusted={needed!r}: it "
            "will be imported and run."
        )
    return params, dropped


def _construct(estimator, params):
    try:
        instance = estimator(**params)
    except TypeError as exc:
        raise ValueError(
            f"the parameters do not fit {estimator.__name__}: {exc}"
        ) from None
    instance._validate_params()
    return instance


def _decode_labels(encoded):
    values = encoded["values"]
    if not isinstance(values, list) or not all(
        isinstance(v, bool | int | float | str) for v in values
    ):
        raise ValueError("the class labels are not numbers, strings or booleans")
    kind = encoded["dtype"]
    # A text dtype as wide as its longest label, not as the file says.
    dtype = np.dtype(object if kind == "object" else "U" if kind[1:2] == "U" else kind)
    if dtype.kind not in LABEL_DTYPES:
        raise ValueError(f"labels of dtype {dtype} are not allowed")
    labels = np.array(values, dtype=dtype)
    # Each as saved: NumPy would cast 0.5 in labels of integers to 0.
    if any(type(back) is not type(value) or (back != value and back == back)
           for back, value in zip(labels.tolist(), values, strict=True)):  # fmt: skip
        raise ValueError(f"the class labels are not all of their dtype {dtype}")
    if len(set(labels.tolist())) != len(labels):
        raise ValueError("the class labels are not unique")
    return labels


class _Tensors:
    """The tensors of a file, taken by name with their shape and dtype checked."""

    def __init__(self, tensors):
        self.tensors = tensors
        self.taken = set()

    def take(self, name, shape=None, kinds="f", finite=True):
        if name not in self.tensors:
            raise ValueError(f"the tensor {name!r} is missing")
        self.taken.add(name)
        array = self.tensors[name]
        if shape is not None and tuple(array.shape) != tuple(shape):
            raise ValueError(
                f"the tensor {name!r} has shape {tuple(array.shape)}, expected "
                f"{tuple(shape)}"
            )
        array = array.numpy()
        if array.dtype.kind not in kinds:
            raise ValueError(f"the tensor {name!r} has dtype {array.dtype}")
        if finite and array.dtype.kind == "f" and not np.isfinite(array).all():
            raise ValueError(f"the tensor {name!r} holds NaN or infinite values")
        return array


def _rebuild_data_map(config, tensors, prefix, n_features):
    """The DataMap of a file, its tensors checked as they are taken."""

    def take(name, shape=None, kinds="f"):
        return tensors.take(prefix + name, shape, kinds)

    return DataMap.from_state(config, take, n_features)


def _unflatten(value, tensors):
    if isinstance(value, list):
        return [_unflatten(v, tensors) for v in value]
    if isinstance(value, dict):
        if "$tensor" in value:
            tensors.taken.add(value["$tensor"])
            if value["$tensor"] not in tensors.tensors:
                raise ValueError(f"the tensor {value['$tensor']!r} is missing")
            return tensors.tensors[value["$tensor"]]
        return {k: _unflatten(v, tensors) for k, v in value["$dict"]}
    return value


def _constructed(estimator, config, trusted, path):
    """The estimator of ``config`` through its constructor, the names of the
    parameters left out, and the fitted part of ``config`` (None if none)."""
    params, dropped = _decode_params(estimator, config["params"], trusted, path)
    if estimator is GANSampler and "r1_interval" not in params:
        params["r1_interval"] = 1  # saved before 0.7, which had R1 every round
    if estimator is GANSampler and "early_stopping" not in params:
        params["early_stopping"] = False  # saved before 0.10, which had no check
    if estimator is GANSampler and "discriminator_dropout" not in params:
        params["discriminator_dropout"] = 0.0  # saved before 0.12, which had none
    if estimator is GANSampler and "copula_start" not in params:
        params["copula_start"] = False  # saved before 0.14, which had none
    return _construct(estimator, params), dropped, config["fitted"]


def _set_features(estimator, fitted):
    """Set ``n_features_in_`` and ``feature_names_in_``; return the former."""
    n_features = fitted["n_features_in"]
    if not isinstance(n_features, int) or n_features < 1:
        raise ValueError(f"n_features_in={n_features!r} is not a number of features")
    names = fitted["feature_names_in"]
    if names is not None:
        if (len(names) != n_features or not all(isinstance(n, str) for n in names)
                or len(set(names)) != len(names)):  # fmt: skip
            raise ValueError("the feature names do not fit the data")
        estimator.feature_names_in_ = np.asarray(names, dtype=object)
    estimator.n_features_in_ = n_features
    return n_features


def _rebuild_sampler(config, tensors, prefix, trusted, device, path):
    sampler, dropped, fitted = _constructed(GANSampler, config, trusted, path)
    if fitted is None:
        return sampler
    # On the sampler's torch threads, as its fit and draws run: a process
    # that keeps to one can fork (see the user guide), and its weights are
    # trainable whatever the caller's mode.
    with torch_threads(sampler.n_threads), gradients_on():
        return _rebuild_fitted(sampler, dropped, fitted, tensors, prefix, device,
                               path)  # fmt: skip


def _y_dtype(record, classes):
    """The dtype of y that a file records, checked to hold its classes as
    they are (None where it records none)."""
    if record is None:
        return None
    if classes is None or not isinstance(record, dict):
        raise ValueError(f"the dtype of y, {record!r}, is no dtype of class labels")
    try:
        dtype = record_dtype(record)
    except (TypeError, ValueError, KeyError, NotImplementedError) as exc:
        raise ValueError(f"the dtype of y, {record!r}, is no dtype: {exc}") from None
    if not gives_back_labels(dtype, classes):
        raise ValueError(
            f"the dtype of y, {record!r}, does not hold its classes as they are"
        )
    return dtype


def _rebuild_fitted(sampler, dropped, fitted, tensors, prefix, device, path):
    """The rest of :func:`_rebuild_sampler`, for a fitted sampler."""
    n_features = _set_features(sampler, fitted)
    classes = fitted["classes"]
    classes = None if classes is None else _decode_labels(classes)
    n_classes = 0 if classes is None else len(classes)
    y_name = fitted.get("y_name")  # 0.31 on
    if y_name is not None and (type(y_name) not in (str, int) or classes is None):
        raise ValueError(f"the name of y, {y_name!r}, is no name of class labels")
    y_dtype = _y_dtype(fitted.get("y_dtype"), classes)  # 0.37 on
    table = fitted.get("table_map")  # format 2 (0.9) on
    if table is None:
        data_map = _rebuild_data_map(
            fitted["data_map"], tensors, prefix + "data_map.", n_features
        )
        table_map = TableMap.of_numbers(data_map)
    else:
        data_map = None
        if fitted["data_map"] is not None:
            data_map = _rebuild_data_map(
                fitted["data_map"], tensors, prefix + "data_map.",
                TableMap.n_numbers_in(table),
            )  # fmt: skip
        table_map = TableMap.from_state(table, data_map)
        if table_map.n_features_ != n_features:
            raise ValueError("the table's columns do not fit the data")
        names = fitted["feature_names_in"]
        # A DataFrame's columns are its features, by name.
        if (
            table_map.frame_
            and names is not None
            and names != [column.name for column in table_map.columns_]
        ):
            raise ValueError("the feature names are not the table's columns")
    if device is not None:
        here = resolve_device(device)
    else:
        try:
            here = resolve_device(fitted["device"])
        except ValueError:  # a GPU's model, on a machine without that GPU
            here = "cpu"
    seed, n_iter = fitted["seed"], fitted["n_iter"]
    if not all(_is_count(v, 0) for v in (seed, n_iter)):
        raise ValueError(f"the seed {seed!r} or rounds {n_iter!r} are not counts")
    # Files before 0.10 do not say; their "auto" settings did not read them.
    n_rows, best_epoch = fitted.get("n_rows"), fitted.get("best_epoch")
    for value in (n_rows, best_epoch):
        if value is not None and not _is_count(value, 1):
            raise ValueError(f"the count {value!r} is not a positive integer")
    fidelity = EpochFidelity(None, None, seed=seed)
    # The fit's rows of each class, from their shares: the held-out check's
    # split reads them, as the fit's did.
    prior = tensors.take(prefix + "class_prior_", (max(n_classes, 0),))
    class_counts = None
    if n_classes and n_rows is not None:
        class_counts = np.rint(np.asarray(prior, dtype=np.float64) * n_rows).astype(int)
    net = make_net(
        sampler,
        n_features=n_features,
        width=table_map.width_,
        blocks=table_map.block_sizes_,
        n_classes=n_classes,
        device=here,
        seed=seed,
        fidelity=fidelity,
        n_rows=n_rows,
        class_counts=class_counts,
        # Files before format 4 (0.15) do not say; their "auto" settings
        # followed the rules of their time.
        network_shapes=_network_shapes(fitted.get("network_shapes")),
        sized_to_rows="network_shapes" in fitted,
        # The copula start's rule has changed (one column since 0.16): the
        # saved weights say whether the generator has its linear map.
        linear_skip=_has_linear_skip(fitted["states"]),
        loaded=True,
    )
    states = fitted["states"]
    _check_players(net, table_map.width_, states, tensors, prefix)
    net.initialize()
    if any(name in OPTIMIZERS for name in states):
        net.initialize_optimizers()
    if n_classes:
        net.class_prior_ = prior
    for name, state in states.items():
        if name not in ("generator_ema", *PLAYERS, *OPTIMIZERS):
            raise ValueError(f"unknown network {name!r}")
        state = _unflatten(state, tensors)
        # Parts that were code the caller did not trust are the defaults now,
        # which the saved weights and optimizer states do not fit.
        if (name.startswith("discriminator") and "discriminator" in dropped) or (
            name in OPTIMIZERS and "optimizer" in dropped
        ):
            continue
        target = getattr(net, name + "_")
        if name in OPTIMIZERS:
            _check_moments(name, state, target)
            state = _with_device_flags(name, state, target)
        else:
            _check_weights(name, state, target)
        try:
            target.load_state_dict(state)
        except (RuntimeError, KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"the weights of {name} do not fit it: {exc}") from None
    if "generator_ema" not in states:
        raise ValueError("the generator's weights are missing")
    if "generator" not in states:
        # Training from here starts from the averaged weights.
        net.generator_.load_state_dict(net.generator_ema_.state_dict())
    # Without the discriminator's weights, training that goes on starts it
    # afresh: partial_fit says so.
    net.fresh_discriminator_ = (
        "discriminator" not in states or "discriminator" in dropped
    )
    net.history_ = _rebuild_history(fitted["history"], tensors, prefix + "history.")
    # (Below n_iter where the net was fitted again, afresh, after fit.)
    n_rounds = fitted.get("n_rounds", n_iter)
    if not _is_count(n_rounds, 0):
        raise ValueError(f"the rounds {n_rounds!r} are not a count")
    net.n_rounds_ = n_rounds
    if classes is not None:
        sampler.classes_ = classes
        sampler.y_name_ = y_name
        sampler.y_dtype_ = y_dtype
    sampler.data_map_ = data_map
    sampler.table_map_ = table_map
    sampler.device_ = str(net.device)
    sampler.net_ = net
    sampler.history_ = net.history
    sampler.n_iter_ = n_iter
    sampler.best_epoch_ = best_epoch
    n_fingerprints = fitted.get("n_fingerprints")
    if n_fingerprints is not None:
        if not (isinstance(n_fingerprints, int) and n_fingerprints >= 0):
            raise ValueError(f"the count {n_fingerprints!r} is not a count")
        fingerprints = tensors.take(prefix + "training_fingerprints_",
                                    (n_fingerprints,), kinds="i")  # fmt: skip
        sampler.training_fingerprints_ = np.sort(fingerprints.view(np.uint64))
    if n_rows is not None:
        sampler.n_samples_fit_ = n_rows
    return sampler


def _is_count(value, least):
    """Whether ``value`` is an int (not a bool) from ``least`` to what torch's
    seeds and NumPy's int64 counts hold."""
    return type(value) is int and least <= value < 2**63


def _has_linear_skip(states):
    """Whether the saved generator has the copula start's linear map (None
    where the states are not as saved: their checks say why)."""
    saved = states.get("generator_ema") if isinstance(states, dict) else None
    pairs = saved.get("$dict") if isinstance(saved, dict) else None
    if not isinstance(pairs, list):
        return None
    return any(isinstance(pair, list | tuple) and len(pair) == 2
               and pair[0] == "skip.weight" for pair in pairs)  # fmt: skip


def _network_shapes(shapes):
    """The settings that shaped a saved model's networks, checked."""
    if shapes is None:
        return None
    if not isinstance(shapes, dict) or not set(shapes) <= set(NETWORK_SHAPES):
        raise ValueError(f"the networks' shapes {shapes!r} are not settings")
    for name, value in shapes.items():
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if name == "discriminator_dropout":
            valid = number and 0 <= value < 1
        else:
            valid = number and isinstance(value, int) and value > 0
        if not valid:
            raise ValueError(f"the networks' shape {name}={value!r} is out of range")
    return shapes


def _check_players(net, n_features, states, tensors, prefix):
    """Build the players as the settings say on torch's meta device, which
    holds no numbers, and check them before building them for real: the
    generator against its saved weights, the discriminator (whose weights
    may not be saved) against the machine's memory."""
    try:
        with torch.device("meta"):
            players = net.build_players(n_features)
    except (RuntimeError, TypeError, ValueError) as exc:
        if (net.generator, net.discriminator) != (Generator, Discriminator):
            # Networks of one's own (trusted) may need numbers to be built
            # (``.item()``): built for real, their saved weights are checked
            # as they are loaded.
            return
        raise ValueError(f"the networks cannot be built: {exc}") from None
    expected = {
        name: tuple(weights.shape)
        for name, weights in players["generator"].state_dict().items()
    }
    saved = {
        name[len(prefix + "generator_ema.") :]: tuple(weights.shape)
        for name, weights in tensors.tensors.items()
        if name.startswith(prefix + "generator_ema.")
    }
    if "generator_ema" not in states or expected != saved:
        raise ValueError(
            "the generator's settings do not fit its saved weights (shapes "
            f"{expected} against {saved})"
        )
    # Its weights, their gradients and two moments of Adam, and its buffers
    # (a normalisation's running figures), which a forged file may size.
    discriminator = players["discriminator"]
    size = 4 * _bytes(discriminator.parameters()) + _bytes(discriminator.buffers())
    check_memory(size, "The model's discriminator", "The file may be forged.")


def _bytes(tensors):
    return sum(tensor.numel() * tensor.element_size() for tensor in tensors)


def _check_weights(name, state, module):
    """Refuse a network's saved state that ``load_state_dict`` would take
    silently (casting it) and training resumed from the file would spread:
    another dtype than the network's or float32, which gansampler writes
    (integers where it holds floats, float64 in a network of float32), NaN,
    or an infinite weight (a buffer, a mask's floor say, may be infinite).
    A network built in a session whose default dtype is float64 takes the
    float32 weights of a file, as torch casts them."""
    own = module.state_dict()
    weights = dict(module.named_parameters())
    for key, tensor in state.items():
        if not isinstance(tensor, torch.Tensor):
            continue  # load_state_dict says what does not fit
        if (
            key in own
            and own[key].is_floating_point()
            and tensor.dtype not in (own[key].dtype, torch.float32)
        ):
            raise ValueError(
                f"the weights {key} of {name} are {tensor.dtype}, not "
                f"{own[key].dtype} as the network's"
            )
        if tensor.is_floating_point() and (
            tensor.isnan().any() or (key in weights and tensor.isinf().any())
        ):
            raise ValueError(f"the state of {name} holds NaN or infinite values")


# The per-weight tensors of torch's optimizers that have their weight's
# shape: Adam's (and AdamW's, NAdam's, RAdam's, Adamax's) moments, SGD's
# momentum, RMSprop's, Adagrad's and Adadelta's sums, Rprop's steps, ASGD's
# average. Others (Adafactor's factored moments, a step count) may have any.
_MOMENTS = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "exp_inf",
            "momentum_buffer", "square_avg", "grad_avg", "sum", "acc_delta",
            "prev", "step_size", "ax")  # fmt: skip
# Those of them that are sums of squares or of sizes: never below zero.
_SQUARES = ("exp_avg_sq", "max_exp_avg_sq", "exp_inf", "square_avg", "sum",
            "acc_delta")  # fmt: skip


def _check_moments(name, state, optimizer):
    """Refuse a saved optimizer state that holds NaN or infinity, or whose
    moments have other shapes than the weights they follow: the next step
    would spread NaN, or fail deep in torch."""
    shapes = [
        tuple(weights.shape)
        for group in optimizer.param_groups
        for weights in group["params"]
    ]
    per_weight = state.get("state") if isinstance(state, dict) else None
    if not isinstance(per_weight, dict):
        return  # load_state_dict says what does not fit
    for index, moments in per_weight.items():
        if not (isinstance(index, int) and 0 <= index < len(shapes)):
            raise ValueError(f"the state of {name} names no weight {index!r}")
        if not isinstance(moments, dict):
            continue
        for key, tensor in moments.items():
            if not isinstance(tensor, torch.Tensor):
                continue
            if tensor.is_floating_point() and not tensor.isfinite().all():
                raise ValueError(f"the state of {name} holds NaN or infinite values")
            if key in _SQUARES and (tensor < 0).any():
                raise ValueError(f"the state of {name} holds a negative {key}")
            if key in _MOMENTS and tuple(tensor.shape) != shapes[index]:
                raise ValueError(
                    f"the state of {name} holds {key} of shape "
                    f"{tuple(tensor.shape)} for a weight of shape {shapes[index]}"
                )
            if key == "step" and (tensor.numel() != 1 or tensor.item() < 0):
                raise ValueError(f"the state of {name} holds a step that is no count")


def _check_groups(name, saved_groups, built_groups):
    """Refuse saved settings of an optimizer's groups that differ in kind
    from those it is built with, or that no optimizer takes (a rate of NaN
    or below 0, a beta of 1 or more, weights it does not have): its next
    step would fail deep in torch, or train on NaN."""
    for saved, built in zip(saved_groups, built_groups, strict=True):
        if not isinstance(saved, dict) or "params" not in saved:
            raise ValueError(f"the settings of {name} are not those it takes")
        # Settings that another torch added or dropped, torch fills in or
        # keeps; a scheduler's first rate is a rate.
        built = {"initial_lr": built.get("lr"), **built}
        for key, value in saved.items():
            if key not in built:
                continue
            if (
                not _same_kind(value, built[key])
                or (key == "params" and value != built[key])
                or (key == "betas" and not all(0 <= b < 1 for b in value))
                or (
                    key in ("lr", "initial_lr", "eps", "weight_decay")
                    and _below_zero(value)
                )
            ):
                raise ValueError(
                    f"the setting {key}={value!r:.40} of {name} is out of range"
                )


def _below_zero(value):
    """Whether a setting (a number, None, or a sequence of those) holds a
    number below 0."""
    if isinstance(value, list | tuple):
        return any(map(_below_zero, value))
    return value is not None and value < 0


def _same_kind(value, built):
    """Whether a saved setting is of the kind of the one built: a flag or
    None (where torch chooses, as it does ``foreach`` by the device), a
    finite number, or a sequence of those."""
    if isinstance(built, bool) or built is None:
        return value is None or isinstance(value, bool)
    if isinstance(built, int | float):
        return (isinstance(value, int | float) and not isinstance(value, bool)
                and math.isfinite(value))  # fmt: skip
    if isinstance(built, list | tuple):
        return (isinstance(value, list | tuple) and len(value) == len(built)
                and all(map(_same_kind, value, built)))  # fmt: skip
    return isinstance(value, type(built))


def _with_device_flags(name, state, optimizer):
    """A saved optimizer state with the flags that depend on the device
    (``capturable``, ``fused``) of the optimizer built here: a state saved
    on the CPU would turn them off on a GPU (and its steps, which torch
    places by them, would not be captured)."""
    built = optimizer.state_dict()["param_groups"]
    if len(built) != len(state.get("param_groups", ())):
        return state  # load_state_dict says what does not fit
    _check_groups(name, state["param_groups"], built)
    groups = []
    for saved, fresh in zip(state["param_groups"], built, strict=True):
        flags = {flag: fresh[flag] for flag in ("capturable", "fused") if flag in fresh}
        groups.append(saved | flags)
    return {**state, "param_groups": groups}


def _rebuild_history(config, tensors, prefix):
    epochs, rounds, keys = config["epochs"], config["rounds"], config["round_keys"]
    if (
        len(rounds) != len(epochs)
        or not all(isinstance(n, int) and n >= 0 for n in rounds)
        or (sum(rounds) and not keys)
    ):
        raise ValueError("the history's rounds do not fit its epochs")
    columns = {
        key: tensors.take(prefix + key, (sum(rounds),), finite=False).tolist()
        for key in keys
    }
    absent = config.get("absent", {})  # the rounds that lack a figure
    if not (
        isinstance(absent, dict)
        and all(
            key in columns
            and isinstance(places, list)
            and all(type(i) is int and 0 <= i < sum(rounds) for i in places)
            for key, places in absent.items()
        )
    ):
        raise ValueError("the history's rounds that lack a figure are not its rounds")
    lacking = {(key, i) for key, places in absent.items() for i in places}
    ends = np.cumsum(rounds)
    for epoch, end, n in zip(epochs, ends, rounds, strict=True):
        epoch["batches"] = [
            {key: values[i] for key, values in columns.items()
             if (key, i) not in lacking}
            for i in range(end - n, end)
        ]  # fmt: skip
    return History(epochs)


def _rebuild_resampler(config, tensors, trusted, device, path):
    resampler, _, fitted = _constructed(GANResampler, config, trusted, path)
    if fitted is None:
        return resampler
    _set_features(resampler, fitted)
    strategy = fitted["sampling_strategy"]
    classes = _decode_labels(strategy["classes"]).tolist()
    counts = strategy["counts"]
    if not all(type(n) is int and n >= 0 for n in counts):
        raise ValueError("the resampler's counts of rows to add are no counts")
    resampler.sampling_strategy_ = OrderedDict(zip(classes, counts, strict=True))
    samplers = fitted["samplers"]
    if samplers is not None:
        models = [
            _rebuild_sampler(m, tensors, f"samplers.{i}.", trusted, device, path)
            for i, m in enumerate(samplers["models"])
        ]
        labels = [] if samplers["classes"] is None else samplers["classes"]
        labels = _decode_labels(labels).tolist() if labels else []
        index = samplers["index"]
        if not set(labels) <= set(classes) or not all(
            type(i) is int and 0 <= i < len(models) for i in index
        ):
            raise ValueError("the resampler's samplers do not fit its classes")
        resampler.samplers_ = {
            label: models[i] for label, i in zip(labels, index, strict=True)
        }
    return resampler


def _read_header(path, payload):
    """The metadata of a model file's bytes; a ValueError for any other file."""
    if not is_safe_model(payload) and is_pickle(payload):
        raise ValueError(
            f"{path}: is a pickle (a joblib file), not a safe gansampler model. "
            "Loading a pickle runs code that the file names, so gansampler.load "
            "never does; if you trust its source, load it with joblib.load."
        )
    if len(payload) < 8:
        raise ValueError(f"{path}: is not a gansampler model (too short).")
    (header_size,) = struct.unpack("<Q", payload[:8])
    if header_size > min(_MAX_HEADER_BYTES, len(payload) - 8):
        raise ValueError(
            f"{path}: is not a gansampler model, or is truncated (its header "
            f"claims {header_size:,} bytes)."
        )
    try:
        header = json.loads(payload[8 : 8 + header_size])
        # A safetensors file without metadata is one, of another program.
        metadata = header.get("__metadata__", {}) if isinstance(header, dict) else None
        if metadata is None:
            raise TypeError
    except (ValueError, KeyError, TypeError, RecursionError):
        raise ValueError(
            f"{path}: is not a gansampler model, or is damaged (no readable header)."
        ) from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ValueError(
            f"{path}: is a safetensors file, but not a gansampler model (no "
            "'format': 'gansampler' in its metadata)."
        )
    # safetensors' rule, which every file gansampler writes keeps.
    if not all(isinstance(value, str) for value in metadata.values()):
        raise ValueError(
            f"{path}: is not a gansampler model, or is damaged (its metadata "
            "holds values that are not text)."
        )
    size = 8 + header_size + _data_size(header)
    if len(payload) < size:
        raise ValueError(
            f"{path}: is truncated: it holds {len(payload):,} bytes of the "
            f"{size:,} its header describes (a copy or a download cut short?)."
        )
    return metadata


def _data_size(header):
    """The bytes of tensor data that a safetensors header describes: the
    furthest end of its tensors' offsets (0 where they are not readable, which
    the checksum then refuses)."""
    ends = [0]
    for name, entry in header.items():
        offsets = entry.get("data_offsets") if isinstance(entry, dict) else None
        if name != "__metadata__" and isinstance(offsets, list) and len(offsets) == 2:
            end = offsets[1]
            if isinstance(end, int) and not isinstance(end, bool):
                ends.append(end)
    return max(ends)


def read_model_file(path):
    """The bytes of ``path``, with clear errors for what is not a file.

    Only the first bytes of a file that is not a safetensors file are read:
    enough to say what it is, however large it is.
    """
    target = pathlib.Path(path)
    if target.is_dir():
        raise ValueError(f"{path}: is a folder, not a model file.")
    try:
        with open(target, "rb") as handle:
            head = handle.read(256)
            size = os.fstat(handle.fileno()).st_size
            if is_safe_model(head, size):
                return head + handle.read()
            return head
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


def load(path, *, trusted=(), device=None):
    """Load a model saved by ``save``, without running code from the file.

    The file is parsed as tensors and JSON, checked (its format version, its
    checksum, every tensor's shape and dtype, the networks' sizes against
    the saved weights, before any memory is spent on them) and rebuilt
    through the estimator's constructor. It is never unpickled: a model file
    from a stranger cannot run code, unless it names code that ``trusted``
    allows. See :ref:`trust`.

    Parameters
    ----------
    path : str or path-like
        A file written by :meth:`GANSampler.save <gansampler.GANSampler.save>`
        or :meth:`GANResampler.save <gansampler.GANResampler.save>`.
    trusted : iterable of str, default=()
        Import paths (``"package.module:Name"``) of code that the model may
        import and run: custom networks, optimizers and callbacks. The
        classes of torch's network pieces and optimizers and of
        gansampler's networks need no trust (they are never imported, only
        looked up), except to build an object from the file's settings, as
        a callback is built. A model whose generator needs untrusted code raises
        a ValueError naming it; other untrusted code (used only in training)
        is left out, with a
        :class:`~gansampler.exceptions.DroppedParameterWarning`.
    device : str or None, default=None
        Device to put the networks on: None is the device the model was
        fitted on, or the CPU where that device is not here.

    Returns
    -------
    estimator : GANSampler or GANResampler
        The estimator, as it was saved (fitted or not).

    Raises
    ------
    ValueError
        For a file that is not a gansampler model (a pickle, a foreign or
        truncated file, a folder), was changed after it was saved, comes
        from a newer format, or needs untrusted code to sample.
    FileNotFoundError
        When there is no file at ``path``.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import gansampler
    >>> X = np.random.default_rng(0).normal(4.0, 1.25, size=(500, 1))
    >>> sampler = gansampler.GANSampler(max_epochs=2, random_state=0).fit(X)
    >>> path = os.path.join(tempfile.mkdtemp(), "sampler.safetensors")
    >>> sampler.save(path)
    >>> loaded = gansampler.load(path)
    >>> same = loaded.sample(5, random_state=0) == sampler.sample(5, random_state=0)
    >>> bool(same.all())
    True
    """
    return load_bytes(read_model_file(path), path, trusted=trusted, device=device)


def _check_draws(estimator):
    """Draw two rows from each fitted sampler of ``estimator``: a file whose
    parts pass every check but do not make a model together fails here, at
    ``load``, rather than in the caller's first draw."""
    samplers = getattr(estimator, "samplers_", {}).values()
    # Each once (a conditional resampler's classes share one).
    distinct = {id(sampler): sampler for sampler in [estimator, *samplers]}
    for sampler in distinct.values():
        # (torch's meta device, which holds no numbers, draws none.)
        if (
            isinstance(sampler, GANSampler)
            and hasattr(sampler, "net_")
            and torch.device(sampler.device_).type != "meta"
        ):
            # Without redrawn copies: a model that draws only training rows
            # (which its first draw refuses, saying what to do) still loads.
            plain = copy.copy(sampler)
            plain.redraw_copies = False
            try:
                plain.sample(2, random_state=0)
            except (MemoryError, torch.cuda.OutOfMemoryError):
                raise  # the machine's, not the file's
            except Exception as exc:  # any other failure: the parts do not fit
                raise ValueError(
                    f"its model cannot draw rows ({type(exc).__name__}: {exc})"
                ) from None


def load_bytes(payload, path, *, trusted=(), device=None):
    """:func:`load` of a file's bytes, read by :func:`read_model_file`;
    ``path`` names it in errors."""
    if not isinstance(trusted, str):
        trusted = tuple(trusted)  # an iterator is read once, here
    if isinstance(trusted, str) or not all(isinstance(p, str) for p in trusted):
        raise TypeError(
            f"trusted must be a list of import paths ('package.module:Name'), got "
            f"{trusted!r}."
        )
    metadata = _read_header(path, payload)
    version = metadata.get("format_version", "")
    # A version of more digits than any is read as a number no further.
    if not (version.isascii() and version.isdigit() and len(version) <= 6):
        raise ValueError(
            f"{path}: is not a gansampler model, or is damaged (its format "
            f"version is {version!r}, not a number)."
        )
    if int(version) > FORMAT_VERSION:
        raise ValueError(
            f"{path}: was written in gansampler's model format {version!r}; this "
            f"gansampler ({__version__}) reads format {FORMAT_VERSION} and older. "
            "Upgrade gansampler to load it."
        )
    config_text = metadata.get("config", "")
    if metadata.get("sha256") != checksum(config_text, payload):
        raise ValueError(
            f"{path}: its checksum does not match: the file was changed after it "
            "was saved, or is damaged."
        )
    try:
        try:
            # Not inference tensors (whatever the caller's mode): the weights
            # and the optimizers' state may be trained on.
            with gradients_on():
                tensors = _Tensors(safetensors.torch.load(payload))
        except safetensors.SafetensorError as exc:
            raise ValueError(f"its tensors cannot be read ({exc})") from None
        config = json.loads(config_text)
        saved_version = config["versions"]["gansampler"]
        if saved_version != __version__:
            warn(
                InconsistentVersionWarning(
                    estimator_name=config["estimator"],
                    current_version=__version__,
                    original_version=saved_version,
                )
            )
        if config["estimator"] == "GANSampler":
            estimator = _rebuild_sampler(config, tensors, "", trusted, device, path)
        elif config["estimator"] == "GANResampler":
            estimator = _rebuild_resampler(config, tensors, trusted, device, path)
        else:
            raise ValueError(f"unknown estimator {config['estimator']!r}")
        _check_draws(estimator)
    except (KeyError, TypeError, AttributeError, IndexError, RecursionError,
            RuntimeError, ArithmeticError, AssertionError) as exc:  # fmt: skip
        raise ValueError(
            f"{path}: is not a valid gansampler model ({type(exc).__name__}: {exc})."
        ) from None
    except ValueError as exc:
        message = str(exc)
        if not message.startswith(str(path)):
            message = f"{path}: {message.removesuffix('.')}."
        raise ValueError(message) from None
    unused = set(tensors.tensors) - tensors.taken
    if unused:
        raise ValueError(f"{path}: holds tensors no part of the model uses: "
                         f"{sorted(unused)[:5]}.")  # fmt: skip
    return estimator
