"""What moved between two specs, so ``regen`` carries the user's edits along.

Pure: two specs and the old and new file lists in, a plan of moves out. A move is
either a whole file (a renamed blueprint's package, a page template whose route was
renamed) or one view block (a route that moved to another blueprint under the same
key, or was renamed with ``renamed_from``).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from flaskgen.core.merge.moves import BlockMove, Moves
from flaskgen.core.spec.base import snake
from flaskgen.core.spec.types import ProjectSpec, Route


def _name_renames(old: ProjectSpec, new: ProjectSpec) -> list[tuple[str, str]]:
    """(old, new) names of the package and of renamed blueprints, models, uploads and
    resources (a resource's package, templates folder and test module)."""
    pairs: list[tuple[str, str]] = []
    if old.project.package != new.project.package:
        pairs.append((old.project.package, new.project.package))
    old_bps = {bp.name for bp in old.blueprints}
    pairs += [(bp.renamed_from, bp.name) for bp in new.blueprints if bp.renamed_from in old_bps]
    old_models = {m.name for m in old.models}
    for model in new.models:
        if model.renamed_from in old_models:
            pairs += [(model.renamed_from, model.name), (snake(model.renamed_from), snake(model.name))]
    old_uploads = {u.name for u in old.uploads}
    pairs += [(u.renamed_from, u.name) for u in new.uploads if u.renamed_from in old_uploads]
    old_resources = {r.key for r in old.resources}
    for resource in new.resources:
        if resource.renamed_from in old_resources:
            pairs.append((resource.renamed_from, resource.key))
    return [(a, b) for a, b in pairs if a and a != b]


def _substitute(path: str, old: str, new: str) -> str:
    """``path`` with every component (or file stem) equal to ``old`` replaced by ``new``."""
    parts = []
    for part in PurePosixPath(path).parts:
        stem, dot, suffix = part.partition(".")
        parts.append(new + dot + suffix if stem == old else part)
    return "/".join(parts)


def _route_pairs(old: ProjectSpec, new: ProjectSpec, bp_map: dict[str, str]) -> list[tuple[Route, Route]]:
    """(old route, new route) for every new route that existed before, here or elsewhere."""
    old_at = {(r.blueprint, r.key): r for r in old.all_routes}
    new_at = {(r.blueprint, r.key) for r in new.all_routes}
    reverse = {v: k for k, v in bp_map.items()}
    pairs = []
    for route in new.all_routes:
        home = reverse.get(route.blueprint, route.blueprint) if route.blueprint else None
        key = route.renamed_from or route.key
        found = old_at.get((home, key))
        if found is None:
            # Moved under the same key: exactly one old place that no longer has it.
            gone = [
                r for (bp, k), r in old_at.items()
                if k == key and (bp_map.get(bp, bp) if bp else None, k) not in new_at
            ]
            found = gone[0] if len(gone) == 1 else None
        if found is not None:
            pairs.append((found, route))
    return pairs


def _view_file(package: str, route: Route, blueprint: str | None) -> str:
    return f"{package}/{blueprint}/views.py" if blueprint else f"{package}/views.py"


def _view_name(route: Route) -> str | None:
    if route.response.kind == "redirect_to":
        return None  # a rule-level redirect has no view
    return route.class_name if route.view_class else route.function_name


def find_moves(old: ProjectSpec, new: ProjectSpec, old_files: set[str], new_files: set[str]) -> Moves:
    """File renames and view moves from ``old`` to ``new``.

    A file is renamed only from a path the old render had and the new one lacks, to a
    path the new render has and the old one lacked; anything else is an ordinary update.
    """
    gone, added = old_files - new_files, new_files - old_files
    files: dict[str, str] = {}

    def claim(old_path: str, new_path: str) -> None:
        if old_path in gone and new_path in added and new_path not in files and old_path not in files.values():
            files[new_path] = old_path

    renames = _name_renames(old, new)
    for path in sorted(gone):
        candidate = path
        for a, b in renames:
            candidate = _substitute(candidate, a, b)
        claim(path, candidate)
    bp_map = {a: b for a, b in renames if a in {bp.name for bp in old.blueprints}}
    old_pkg, new_pkg = old.project.package, new.project.package
    blocks = []
    for before, after in _route_pairs(old, new, bp_map):
        if before.response.kind == "template" and after.response.kind == "template":
            claim(f"{old_pkg}/templates/{before.response.template}", f"{new_pkg}/templates/{after.response.template}")
        old_name, new_name = _view_name(before), _view_name(after)
        old_file = _view_file(old_pkg, before, before.blueprint)
        new_file = _view_file(new_pkg, after, after.blueprint)
        moved_to = next((n for n, o in files.items() if o == old_file), old_file)
        if old_name and new_name and moved_to != new_file:
            blocks.append(BlockMove(old_file, old_name, new_file, new_name))
    return Moves(files, tuple(blocks), _renamed_names(old, new))


def _renamed_names(old: ProjectSpec, new: ProjectSpec) -> dict[str, dict[str, str]]:
    """The names a renamed upload changes in the uploads module: its views and its
    constant, so your edits inside them merge as if the spec had always used the new name."""
    names = {was: now for now, was in _upload_view_renames(old, new).items()}
    names |= {was.upper(): now.upper() for was, now in list(names.items()) if not was.endswith("_file")}
    return {f"{new.project.package}/uploads.py": names} if names else {}


def view_renames(old: ProjectSpec, new: ProjectSpec) -> dict[str, str]:
    """New view name -> old view name, for every route whose view got a new name."""
    old_bps = {bp.name for bp in old.blueprints}
    bp_map = {bp.renamed_from: bp.name for bp in new.blueprints if bp.renamed_from in old_bps}
    out = {}
    for before, after in _route_pairs(old, new, bp_map):
        old_name, new_name = _view_name(before), _view_name(after)
        if old_name and new_name and old_name != new_name:
            out[new_name] = old_name
    return out


def _upload_view_renames(old: ProjectSpec, new: ProjectSpec) -> dict[str, str]:
    """New view name -> old, for uploads renamed with ``renamed_from``: the form view
    takes the upload's name, the download view ``<name>_file``."""
    before = {u.name: u for u in old.uploads}
    out = {}
    for upload in new.uploads:
        was = before.get(upload.renamed_from or "")
        if was is None or was.name == upload.name:
            continue
        out[upload.name] = was.name
        if was.serve and upload.serve:
            out[f"{upload.name}_file"] = f"{was.name}_file"
    return out
