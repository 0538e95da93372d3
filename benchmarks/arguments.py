"""Command-line checks shared by the benchmark scripts."""

import argparse
import json


def at_least(least, kind=int):
    """An argparse ``type`` that takes a number (``kind``: int or float) of
    ``least`` or more, and names the bound otherwise."""

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not {'a whole number' if kind is int else 'a number'}"
            ) from None
        if not value >= least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, got {text}")
        return value

    return parse


_SEEDS = {"random_state": "give the seeds with --seeds"}


def sampler_params(parser, items, *, reserved=_SEEDS):
    """``--param NAME=VALUE`` items (values as JSON, else text) as
    GANSampler's settings, checked before anything is measured: a setting
    that GANSampler refuses, or one of ``reserved`` (settings the script's
    own options give, each with the advice to say), is a usage error."""
    from gansampler import GANSampler

    params = {}
    for item in items:
        name, _, value = item.partition("=")
        try:
            params[name] = json.loads(value)
        except json.JSONDecodeError:
            params[name] = value
    for name in reserved:
        if name in params:
            parser.error(f"--param {name}: {reserved[name]}.")
    try:
        GANSampler(**params)._validate_params()
    except (TypeError, ValueError) as error:
        parser.error(f"--param: {error}")
    return params
