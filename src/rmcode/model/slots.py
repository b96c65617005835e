"""Constructors of frozen slotted dataclasses that set the slots directly.

A frozen dataclass's ``__init__`` goes through ``object.__setattr__`` for every field; a generated
function that calls each slot's setter is about twice as fast. Used where thousands of objects are
built: ``from_raw`` of a profile, and unpickling the validation cache (``io.cache``).
Only for classes without ``__post_init__``, and every field must be given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import MappingProxyType
from typing import TypeVar, cast


def slot_constructor(cls: type, name: str, module: str, wrap: tuple[int, ...] = (),
                     keywords: bool = False) -> Callable[..., object]:
    """A function ``name`` (said to live in ``module``) that builds ``cls`` from all its fields' values,
    in field order (or by name, with ``keywords``); the fields numbered in ``wrap`` are given as dicts
    and stored as read-only proxies of them."""
    assert "__post_init__" not in vars(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    params = [f"v{i}" for i in range(len(names))] if not keywords else list(names)
    body = "".join(f"    s{i}(obj, proxy({p}))\n" if i in wrap else f"    s{i}(obj, {p})\n"
                   for i, p in enumerate(params))
    namespace: dict[str, object] = {"__name__": module, "alloc": object.__new__, "cls": cls,
                                    "proxy": MappingProxyType}
    namespace.update((f"s{i}", getattr(cls, n).__set__) for i, n in enumerate(names))
    signature = ("*, " if keywords else "") + ", ".join(params)
    # generated like dataclasses' own __init__: one straight-line function per class, no loop
    exec(f"def {name}({signature}):\n    obj = alloc(cls)\n{body}    return obj\n", namespace)  # noqa: S102
    make = namespace[name]
    assert callable(make)
    return make


T = TypeVar("T")


def by_keywords(cls: type[T]) -> Callable[..., T]:
    """``cls(**fields)`` for a frozen slotted dataclass, every field given by name, about twice as fast."""
    make = _MADE.get(cls)
    if make is None:
        make = _MADE[cls] = slot_constructor(cls, f"_new_{cls.__name__}", __name__, keywords=True)
    return cast(Callable[..., T], make)  # it builds a cls


_MADE: dict[type, Callable[..., object]] = {}
