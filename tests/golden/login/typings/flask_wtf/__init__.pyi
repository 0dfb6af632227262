"""Type hints for the parts of Flask-WTF this project uses (it ships none).

Extend them when you use more of it; anything not declared here is typed ``Any``.
"""

from typing import Any

from _typeshed import Incomplete
from markupsafe import Markup
from wtforms import Form

from .csrf import CSRFProtect as CSRFProtect

class FlaskForm(Form):
    def __init__(self, formdata: Any = ..., **kwargs: Any) -> None: ...
    def is_submitted(self) -> bool: ...
    def validate_on_submit(self, extra_validators: Any = None) -> bool: ...
    def hidden_tag(self, *fields: Any) -> Markup: ...

def __getattr__(name: str) -> Incomplete: ...
