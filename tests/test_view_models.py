"""Every template renders from its typed view-model: each view-model holds exactly the
names its templates use, and no template tests a string (that is the view-model's job).

``TYPED`` lists the templates the examples plan; a new template joins it with its view-model.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from pathlib import Path

import jinja2
import pytest
from jinja2 import meta

from flaskgen.core.plan.base import PlannedFile, TypedView
from flaskgen.core.plan.project import plan
from flaskgen.render import environments
from flaskgen.specfile import read_spec
from tests.conftest import example_paths

TYPED = {
    "project/README.md.jinja",
    "project/deploy/Dockerfile.jinja",
    "project/deploy/ci.yml.jinja",
    "project/deploy/compose.yaml.jinja",
    "project/deploy/dockerignore.jinja",
    "project/deploy/gunicorn.conf.py.jinja",
    "project/deploy/pre-commit-config.yaml.jinja",
    "project/env.example.jinja",
    "project/flaskenv.jinja",
    "project/gitignore.jinja",
    "project/manage.py.jinja",
    "project/migrations/README.jinja",
    "project/migrations/alembic.ini.jinja",
    "project/migrations/env.py.jinja",
    "project/migrations/revision.py.jinja",
    "project/migrations/script.py.mako.jinja",
    "project/package/__init__.py.jinja",
    "project/package/access.py.jinja",
    "project/package/api.py.jinja",
    "project/package/background.py.jinja",
    "project/package/auth/__init__.py.jinja",
    "project/package/auth/_fields.html.jinja",
    "project/package/auth/account.py.jinja",
    "project/package/auth/confirm_request.html.jinja",
    "project/package/auth/link_refused.html.jinja",
    "project/package/auth/links.py.jinja",
    "project/package/auth/mail/confirm_email.html.jinja",
    "project/package/auth/mail/confirm_email.txt.jinja",
    "project/package/auth/mail/reset_password.html.jinja",
    "project/package/auth/mail/reset_password.txt.jinja",
    "project/package/auth/mail/signup_attempt.html.jinja",
    "project/package/auth/mail/signup_attempt.txt.jinja",
    "project/package/auth/password.html.jinja",
    "project/package/auth/reset_password.html.jinja",
    "project/package/auth/reset_request.html.jinja",
    "project/package/auth/unconfirmed.html.jinja",
    "project/package/auth/commands.py.jinja",
    "project/package/auth/forms.py.jinja",
    "project/package/auth/login.html.jinja",
    "project/package/auth/tokens.html.jinja",
    "project/package/auth/tokens.py.jinja",
    "project/package/auth/register.html.jinja",
    "project/package/auth/users.py.jinja",
    "project/package/auth/views.py.jinja",
    "project/package/blueprint/__init__.py.jinja",
    "project/package/blueprint/views.py.jinja",
    "project/package/commands.py.jinja",
    "project/package/config.py.jinja",
    "project/package/converters.py.jinja",
    "project/package/crud.py.jinja",
    "project/package/dashboard.py.jinja",
    "project/package/display.py.jinja",
    "project/package/errors.py.jinja",
    "project/package/factories.py.jinja",
    "project/package/jobs.py.jinja",
    "project/package/extensions.py.jinja",
    "project/package/health.py.jinja",
    "project/package/hooks.py.jinja",
    "project/package/listing.py.jinja",
    "project/package/logconfig.py.jinja",
    "project/package/mail.py.jinja",
    "project/package/middleware.py.jinja",
    "project/package/models.py.jinja",
    "project/package/seed.py.jinja",
    "project/package/resource/__init__.py.jinja",
    "project/package/resource/_filters.html.jinja",
    "project/package/resource/api.py.jinja",
    "project/package/resource/delete.html.jinja",
    "project/package/resource/form.html.jinja",
    "project/package/resource/forms.py.jinja",
    "project/package/resource/index.html.jinja",
    "project/package/resource/listing.py.jinja",
    "project/package/resource/schemas.py.jinja",
    "project/package/resource/show.html.jinja",
    "project/package/resource/views.py.jinja",
    "project/package/static/api-docs.js.jinja",
    "project/package/static/style.css.jinja",
    "project/package/static/picker.js.jinja",
    "project/package/security.py.jinja",
    "project/package/templates/_form.html.jinja",
    "project/package/templates/_list.html.jinja",
    "project/package/templates/api/docs.html.jinja",
    "project/package/templates/base.html.jinja",
    "project/package/templates/error.html.jinja",
    "project/package/templates/page.html.jinja",
    "project/package/templates/upload.html.jinja",
    "project/package/templating.py.jinja",
    "project/package/uploads.py.jinja",
    "project/package/views.py.jinja",
    "project/pyproject.toml.jinja",
    "project/tests/conftest.py.jinja",
    "project/tests/test_accounts.py.jinja",
    "project/tests/test_api_docs.py.jinja",
    "project/tests/test_auth.py.jinja",
    "project/tests/test_commands.py.jinja",
    "project/tests/test_config.py.jinja",
    "project/tests/test_dashboard.py.jinja",
    "project/tests/test_display.py.jinja",
    "project/tests/test_errors.py.jinja",
    "project/tests/test_health.py.jinja",
    "project/tests/test_hooks.py.jinja",
    "project/tests/test_jobs.py.jinja",
    "project/tests/test_layout.py.jinja",
    "project/tests/test_logging.py.jinja",
    "project/tests/test_mail.py.jinja",
    "project/tests/test_middleware.py.jinja",
    "project/tests/test_migrations.py.jinja",
    "project/tests/test_models.py.jinja",
    "project/tests/test_seed.py.jinja",
    "project/tests/test_resources.py.jinja",
    "project/tests/test_routes.py.jinja",
    "project/tests/test_security.py.jinja",
    "project/tests/test_templating.py.jinja",
    "project/tests/test_uploads.py.jinja",
    "project/typings/factory/__init__.pyi.jinja",
    "project/typings/factory/alchemy.pyi.jinja",
    "project/typings/factory/random.pyi.jinja",
    "project/typings/flask_bootstrap.pyi.jinja",
    "project/typings/flask_login.pyi.jinja",
    "project/typings/flask_mailman.pyi.jinja",
    "project/typings/flask_smorest.pyi.jinja",
    "project/typings/flask_wtf/__init__.pyi.jinja",
    "project/typings/flask_wtf/csrf.pyi.jinja",
}
TEMPLATES = Path(__file__).resolve().parent.parent / "blueprints_templates"
MACROS = {"project/package/_views.jinja"}
# An {% if %}, [% if %] or a loop's ``if`` filter that compares with, or looks for, a
# quoted string.
STRING_TEST = re.compile(
    r"[{\[]%-?\s*(?:(?:el)?if|for)\b[^%]*?(?:==|!=|\bin\b)\s*[\"']"
    r"|[{\[]%-?\s*(?:(?:el)?if|for)\b[^%]*?[\"']\s*(?:==|!=|\bin\b)"
)

SELECTS = re.compile(r"\b(?:selectattr|rejectattr)\b")


def _all_planned() -> list[PlannedFile]:
    return [f for path in example_paths() for f in plan(read_spec(path), path.name)]


PLANNED = _all_planned()


def _env(template: str) -> jinja2.Environment:
    code, html = environments(())
    return html if template.endswith(".html.jinja") else code


def _names(template: str) -> set[str]:
    """The variables a template reads (Jinja's own parse; imported macros excluded)."""
    env = _env(template)
    assert env.loader is not None
    tree = env.parse(env.loader.get_source(env, template)[0])
    targets = [n.target for n in tree.find_all(jinja2.nodes.Assign)]
    assigned = {t.name for target in targets for t in [target, *target.find_all(jinja2.nodes.Name)] if isinstance(t, jinja2.nodes.Name)}
    return meta.find_undeclared_variables(tree) - set(env.globals) - assigned


def test_every_planned_file_has_a_typed_view_model() -> None:
    assert all(isinstance(f.context, TypedView) for f in PLANNED)
    assert {f.template for f in PLANNED} == TYPED


def test_every_template_is_planned_by_an_example() -> None:
    """So the checks below see every template (macro files are imported, not planned)."""
    found = {p.relative_to(TEMPLATES).as_posix() for p in (TEMPLATES / "project").rglob("*.jinja")}
    assert found - MACROS == TYPED


def test_a_view_model_holds_exactly_what_its_templates_use() -> None:
    used: dict[type, set[str]] = defaultdict(set)
    for template, view in {(f.template, type(f.context)) for f in PLANNED if isinstance(f.context, TypedView)}:
        used[view] |= _names(template)
    for view, names in used.items():
        assert {field.name for field in dataclasses.fields(view)} == names, view.__name__


def test_view_models_are_frozen() -> None:
    for f in PLANNED:
        if isinstance(f.context, TypedView):
            for name in [field.name for field in dataclasses.fields(f.context)][:1] or ["anything"]:
                with pytest.raises(dataclasses.FrozenInstanceError):
                    setattr(f.context, name, None)


@pytest.mark.parametrize("template", sorted(TYPED | MACROS))
def test_templates_test_no_strings(template: str) -> None:
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    assert not STRING_TEST.findall(source), f"{template}: move the string test into its view-model"
    assert not SELECTS.findall(source), f"{template}: compute the selection in its view-model"


def test_the_string_test_pattern_finds_string_tests() -> None:
    assert STRING_TEST.search('{% if hook.kind == "before_request" %}')
    assert STRING_TEST.search("{% elif c.type != 'str' %}")
    assert STRING_TEST.search('[% if "db" in conftest %]')
    assert STRING_TEST.search('{% for f in r.fields if f.kind == "many_to_many" %}')
    assert not STRING_TEST.search("{% if hook.before %}")
    assert not STRING_TEST.search("{% for name, value in headers %}")
