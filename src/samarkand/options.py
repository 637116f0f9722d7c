"""String options as ``typing.Literal`` types, validated in one place.

A method declares ``Capacity = Literal["low", "high"]`` and calls ``check_option("capacity", value, Capacity)``
at its start: a value outside the Literal is one InputError naming the option and its choices, whether it came
from the CLI, the web API or Python.
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
    """``value`` if it is one of ``literal``'s values, else InputError: "NAME must be one of a, b, not 'x'"."""
    allowed = choices(literal)
    if value not in allowed:
        raise InputError(f"{name} must be one of {', '.join(map(str, allowed))}, not {value!r}")
    return value
