"""File uploads: a form page and a POST handler per upload, and download routes.

Each upload saves into its folder inside the instance folder; set
``<NAME>_UPLOAD_FOLDER`` in the config, or as an environment variable, to put the
files elsewhere, such as a volume that every app server mounts (the tests point it
at a temporary folder). Names go through ``secure_filename``, an existing file
is never replaced, and each upload's ``max_size`` holds for its own POST only.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import login_required
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

LISTED_FILES = 50  # the upload page lists at most this many of the saved files
# A saved name (with a "-N" suffix) must fit the 255 bytes most filesystems allow.
MAX_NAME_BYTES = 200
# Extensions of files a browser would render or run: served only as downloads.
ACTIVE_EXTENSIONS = frozenset(
    {
        "htm",
        "html",
        "shtml",
        "xhtml",
        "xht",
        "svg",
        "svgz",
        "xml",
        "xsl",
        "xslt",
        "js",
        "mjs",
        "swf",
    }
)


@dataclass(frozen=True)
class Upload:
    """What one upload accepts and where it keeps its files."""

    name: str
    field: str
    extensions: frozenset[str]
    max_size: int | None  # bytes of the whole request body; None: MAX_CONTENT_LENGTH
    folder: str  # relative to the instance folder
    template: str
    serve_endpoint: str | None = None
    overwrite: bool = False

    @property
    def config_key(self) -> str:
        return f"{self.name.upper()}_UPLOAD_FOLDER"

    def path(self) -> Path:
        """The folder the files go to (created by the first save): the config key,
        else the environment variable of the same name, else the instance folder."""
        configured = current_app.config.get(self.config_key) or os.environ.get(
            self.config_key
        )
        if configured:
            return Path(configured)
        return Path(current_app.instance_path) / self.folder


COVERS = Upload(
    name="covers",
    field="file",
    extensions=frozenset({"jpeg", "jpg", "png", "webp"}),
    max_size=2 * 1024 * 1024,
    folder="covers",
    template="uploads/covers.html",
    serve_endpoint="covers_file",
)
UPLOADS = {upload.name: upload for upload in (COVERS,)}


@login_required
def covers() -> ResponseReturnValue:
    """GET /covers/upload: the upload form; POST: save the file sent as ``file``. Who may: user."""
    return receive(COVERS)


@login_required
def covers_file(filename: str) -> ResponseReturnValue:
    """GET /covers/<filename>: a file saved by the covers upload. Who may: user."""
    return send_upload(COVERS, filename)


def receive(upload: Upload) -> ResponseReturnValue:
    """Show the form, or check the posted file and save it."""
    if request.method != "POST":
        return form_page(upload)
    file = request.files.get(upload.field)
    if file is None or not file.filename:
        flash("Choose a file to upload.", "error")
        return form_page(upload, 400)
    extension = allowed_extension(file.filename, upload.extensions)
    if extension is None:
        accepted = ", ".join(sorted(upload.extensions))
        flash(f"That type of file is not accepted; upload one of: {accepted}.", "error")
        return form_page(upload, 400)
    if len(file.filename.encode()) > MAX_NAME_BYTES:
        flash(
            f"That file name is too long; rename the file to at most {MAX_NAME_BYTES} characters.",
            "error",
        )
        return form_page(upload, 400)
    name = save(
        file,
        upload.path(),
        storage_name(file.filename, extension),
        extension,
        overwrite=upload.overwrite,
    )
    flash(f"Saved {name}.", "success")
    if upload.serve_endpoint:
        return redirect(url_for(upload.serve_endpoint, filename=name))
    return redirect(url_for(upload.name))


def form_page(upload: Upload, status: int = 200) -> ResponseReturnValue:
    """The upload's form, and the files saved so far where they may be downloaded."""
    files = stored_files(upload) if upload.serve_endpoint else []
    return render_template(upload.template, files=files), status


@dataclass(frozen=True)
class StoredFile:
    """A file an upload saved."""

    name: str
    size: int  # bytes
    modified: dt.datetime  # UTC

    @property
    def size_text(self) -> str:
        """The size as people read it: "512 bytes", "1.5 kB", "2.0 MB"."""
        if self.size < 1000:
            return f"{self.size} bytes"
        if self.size < 1000**2:
            return f"{self.size / 1000:.1f} kB"
        return f"{self.size / 1000**2:.1f} MB"


def stored_files(upload: Upload, limit: int = LISTED_FILES) -> list[StoredFile]:
    """The files in the upload's folder, newest first (at most ``limit``)."""
    folder = upload.path()
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if path.is_file():
            info = path.stat()
            found.append(
                StoredFile(
                    path.name,
                    info.st_size,
                    dt.datetime.fromtimestamp(info.st_mtime, dt.UTC),
                )
            )
    found.sort(key=lambda stored: (stored.modified, stored.name), reverse=True)
    return found[:limit]


def allowed_extension(filename: str, extensions: frozenset[str]) -> str | None:
    """The extension of ``filename`` that ``extensions`` accepts (case-insensitive)."""
    lowered = filename.lower()
    matches = [ext for ext in extensions if lowered.endswith(f".{ext}")]
    return max(matches, key=len) if matches else None


def send_upload(upload: Upload, filename: str) -> ResponseReturnValue:
    """A saved file. Types a browser would run as a page or script (HTML, SVG, XML,
    JavaScript, ...) are sent as a download of neutral type, never shown inline from
    this site's origin; every file goes out with ``X-Content-Type-Options: nosniff``."""
    if len(filename.encode()) > MAX_NAME_BYTES:
        abort(404)  # no saved file has such a name (and the filesystem would refuse it)
    active = filename.rsplit(".", 1)[-1].lower() in ACTIVE_EXTENSIONS
    # send_from_directory refuses any name that would leave the folder.
    response = send_from_directory(
        upload.path(),
        filename,
        as_attachment=active,
        mimetype="application/octet-stream" if active else None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def storage_name(filename: str, extension: str) -> str:
    """The client's file name made safe by ``secure_filename``.

    A name with nothing usable left besides the extension (``../.png``, or only
    non-ASCII letters) is stored as ``upload.<extension>``.
    """
    name = secure_filename(filename)
    if len(name) > len(extension) + 1 and name.lower().endswith(f".{extension}"):
        return name
    return f"upload.{extension}"


def save(
    file: FileStorage, folder: Path, name: str, extension: str, *, overwrite: bool
) -> str:
    """Save ``file`` as ``folder/name`` (creating the folder) and return the name used.

    Unless ``overwrite`` is set, an existing file is kept and the new one becomes
    ``name-1.ext``, ``name-2.ext``, ...; the file is created exclusively, so two
    requests cannot claim the same name.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if overwrite:
        file.save(folder / name)
        return name
    stem = name[: -len(extension) - 1]
    number = 0
    while True:
        candidate = name if number == 0 else f"{stem}-{number}.{extension}"
        try:
            with (folder / candidate).open("xb") as target:
                file.save(target)
        except FileExistsError:
            number += 1
            continue
        return candidate


def limit_upload_size(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Hold each upload's requests to its own ``max_size`` before the body is read.

    URL value preprocessors run before every ``before_request`` function, so the
    limit applies before Flask-WTF's CSRF check parses the form: an oversized POST
    gets 413 with or without a valid token. The limit is set on this request only,
    so other routes keep MAX_CONTENT_LENGTH.
    """
    upload = UPLOADS.get(endpoint or "")
    if upload is None or upload.max_size is None:
        return
    # A declared length over the limit is refused at once; a streamed body is cut
    # off by the same limit while it is read.
    request.max_content_length = upload.max_size
    if request.content_length is not None and request.content_length > upload.max_size:
        abort(413)


def register_uploads(app: Flask) -> None:
    """Attach the upload views and their size limits to ``app``."""
    app.url_value_preprocessor(limit_upload_size)
    app.add_url_rule("/covers/upload", view_func=covers, methods=["GET", "POST"])
    app.add_url_rule("/covers/<filename>", view_func=covers_file)
