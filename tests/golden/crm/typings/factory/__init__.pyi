"""Type hints for the parts of factory_boy this project uses (its own leave most
arguments untyped).

Extend them when you use more of it.
"""

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from . import random as random

T = TypeVar("T")

class BaseDeclaration:
    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any: ...

class Faker(BaseDeclaration):
    def __init__(self, provider: str, **kwargs: Any) -> None: ...

class Sequence(BaseDeclaration):
    def __init__(self, function: Callable[[int], Any]) -> None: ...

class LazyFunction(BaseDeclaration):
    def __init__(self, function: Callable[[], Any]) -> None: ...

class Iterator(BaseDeclaration):
    def __init__(self, iterator: Iterable[Any], cycle: bool = True) -> None: ...

class SubFactory(BaseDeclaration):
    def __init__(self, factory: type[Factory[Any]] | str, **kwargs: Any) -> None: ...

class Factory(Generic[T]):
    _meta: Any
    def __new__(cls, **kwargs: Any) -> T: ...  # type: ignore[misc]
    @classmethod
    def build(cls, **kwargs: Any) -> T: ...
    @classmethod
    def create(cls, **kwargs: Any) -> T: ...
    @classmethod
    def build_batch(cls, size: int, **kwargs: Any) -> list[T]: ...
    @classmethod
    def create_batch(cls, size: int, **kwargs: Any) -> list[T]: ...
    @classmethod
    def reset_sequence(cls, value: int | None = None, force: bool = False) -> None: ...
