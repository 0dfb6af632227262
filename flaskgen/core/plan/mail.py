"""Outgoing mail with Flask-Mailman (``mail:``): the extension, ``<package>/mail.py``
(one function that renders a text and an HTML body and sends them), the tests'
``outbox`` fixture and tests/test_mail.py."""

from __future__ import annotations

from dataclasses import dataclass

from flaskgen.core.plan.base import Contribution, Extension, PlannedFile, TypedView
from flaskgen.core.plan.features import production_environment
from flaskgen.core.spec.config import resolved_setting
from flaskgen.core.spec.types import Constant, Mail, Project, ProjectSpec

DEPENDENCY = "Flask-Mailman>=1.1"
TEST_RECIPIENT = "someone@example.com"


@dataclass(frozen=True)
class MailView(TypedView):
    """<package>/mail.py and tests/test_mail.py."""

    project: Project
    mail: Mail
    recipient: str  # whom the tests write to
    console: bool  # development prints mail on the console
    smtp: bool  # production sends it through SMTP
    environment: dict[str, str]  # lets the production profile load in the tests
    jobs: bool  # a worker sends the mail (the spec has jobs)


def backend(spec: ProjectSpec, profile: str) -> str | None:
    """The MAIL_BACKEND ``profile`` sets in the spec (None when it is read from the environment)."""
    found = resolved_setting(spec.profiles, profile, "MAIL_BACKEND")
    return found.value.value if found is not None and isinstance(found.value, Constant) else None


def _extension() -> Extension:
    return Extension(
        name="mailman",
        imports=("from flask_mailman import Mail",),
        definition="mailman = Mail()",
        init="mailman.init_app(app)",
    )


def contribute(spec: ProjectSpec) -> Contribution:
    """Files and set-up for ``mail``."""
    out = Contribution()
    if spec.mail is None:
        return out
    pkg = spec.project.package
    view = MailView(
        spec.project,
        spec.mail,
        TEST_RECIPIENT,
        backend(spec, "development") == "console",
        backend(spec, "production") == "smtp",
        production_environment(spec),
        bool(spec.jobs),
    )
    out.extensions.append(_extension())
    out.dependencies.append(DEPENDENCY)
    out.conftest.append("mail")
    out.files.append(PlannedFile(f"{pkg}/mail.py", "project/package/mail.py.jinja", view, python=True))
    out.files.append(PlannedFile("tests/test_mail.py", "project/tests/test_mail.py.jinja", view, python=True))
    return out
