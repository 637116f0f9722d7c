"""String options as ``typing.Literal`` types, validated in one place.

A method declares ``Capacity = Literal["low", "high"]`` and calls ``check_option("capacity", value, Capacity)``
at its start: a value outside the Literal is one InputError naming the option and its choices ("capacity must be
low or high, not 'mid'"), whether it came from the CLI, the web API or Python.
"""
from __future__ import annotations

from typing import Any, TypeVar, get_args

from samarkand.errors import InputError

T = TypeVar("T")


def choices(literal: Any) -> tuple[str, ...]:
    """The values a ``Literal[...]`` type allows, in declaration order."""
    values = get_args(literal)
    if not values:
        raise TypeError(f"{literal!r} is not a Literal type")
    return tuple(values)


def check_option(name: str, value: Any, literal: Any) -> Any:
    """``value`` if it is one of ``literal``'s values, else InputError: "NAME must be a, b or c, not 'x'"."""
    allowed = [str(a) for a in choices(literal)]
    if value not in choices(literal):
        listed = ", ".join(allowed[:-1]) + f" or {allowed[-1]}" if len(allowed) > 1 else allowed[0]
        raise InputError(f"{name} must be {listed}, not {value!r}")
    return value
