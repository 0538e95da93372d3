"""Command-line checks shared by the benchmark scripts."""

import argparse


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
