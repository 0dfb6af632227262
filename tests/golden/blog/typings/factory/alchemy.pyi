from typing import Any

from . import Factory

class SQLAlchemyModelFactory(Factory[Any]): ...
