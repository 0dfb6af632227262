"""The generated resources against hand-written views, in one process.

Generates examples/bookshop.yaml, installs it into the generated projects' shared venv
(.cache/gen-venv), fills SQLite with 10,000 books and times the generated index page
(``/books/?page=50``) and API list (``/api/books/?page=50``) against hand-written
Flask-SQLAlchemy ``paginate`` views running the same query, rendering the same template
and dumping the same JSON fields. Goal: a ratio <= 1.2. Each row also shows the SQL
statements one request runs (``sql``), and the query plan of the list's page query is
printed (whether SQLite sorts every row or reads an index).

    python scripts/bench.py --resources [-n RUNS]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def flaskgen() -> list[str]:
    found = shutil.which("flaskgen", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "flaskgen"]


TARGET_RATIO = 1.2
RESOURCE_BENCH = r"""
import datetime, statistics, sys, time
from flask import jsonify, render_template
from sqlalchemy import event, select
from sqlalchemy.orm import selectinload
from bookshop import create_app
from bookshop.extensions import db
from bookshop.models import Author, Book, Tag
try:  # the list's labels, where the generated project has them
    from bookshop.books.listing import FORMAT_TITLES, TITLES
except ImportError:
    FORMAT_TITLES, TITLES = {}, {}

app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1]})
STMT = (
    select(Book).options(selectinload(Book.author), selectinload(Book.tags))
    .order_by(Book.created_at.desc(), Book.title, Book.id)
)
FIELDS = ("id", "title", "isbn", "format", "pages", "price", "in_stock", "published_at", "created_at", "author_id")


def value(v):
    return v.isoformat() if isinstance(v, datetime.datetime) else str(v) if v is not None and not isinstance(v, (int, bool, str)) else v


@app.get("/hand/books/")
def hand_index():
    page = db.paginate(STMT, per_page=20)
    # The filter form's author select stays empty for an anonymous visitor (authors are
    # staff-only), so neither page queries the authors.
    choices = {"author": {}, "format": FORMAT_TITLES}
    return render_template("books/index.html", page=page, sort="", q="", keep={}, args={}, choices=choices, applied=[], titles=TITLES)


@app.get("/hand/api/books/")
def hand_api():
    page = db.paginate(STMT, per_page=20)
    rows = [{**{f: value(getattr(b, f)) for f in FIELDS}, "tags": [t.id for t in b.tags]} for b in page.items]
    return jsonify(rows)


with app.app_context():
    db.create_all()
    authors = [Author(name=f"Author {i}", email=f"a{i}@example.com") for i in range(100)]
    tags = [Tag(name=f"tag{i}") for i in range(20)]
    db.session.add_all(authors + tags)
    for i in range(10_000):
        db.session.add(Book(title=f"Book {i}", isbn=f"{i:013d}", author=authors[i % 100], tags=[tags[i % 20]], format=("hardcover", "paperback", "ebook")[i % 3], price=i % 50))
    db.session.commit()

client = app.test_client()
runs = int(sys.argv[2])
statements = []
with app.app_context():
    # (connection, cursor, statement, parameters, context, executemany)
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append((args[2], args[3])))


def fetch(url):
    # the whole response: a streamed one is read to its end
    response = client.get(url)
    response.get_data()
    return response


def sql_count(url):
    statements.clear()
    assert fetch(url).status_code == 200, url
    return len(statements)


def timed(url):
    assert fetch(url).status_code == 200, url
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fetch(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


sql_count("/books/?page=50")
query, params = next((q, p) for q, p in statements if "LIMIT" in q and "count(" not in q)
with app.app_context():
    plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + query, params).all()
print("index page query plan:", "; ".join(row[-1] for row in plan))


for name, generated, hand in (
    ("index page", "/books/?page=50", "/hand/books/?page=50"),
    ("API list", "/api/books/?page=50&page_size=20", "/hand/api/books/?page=50"),
):
    g, h = timed(generated), timed(hand)
    gs, hs = sql_count(generated), sql_count(hand)
    print(f"{name:<11} generated {g * 1000:6.2f} ms, {gs} sql   hand-written {h * 1000:6.2f} ms, {hs} sql   ratio {g / h:4.2f}")

# The generated project alone: a filtered, searched, sorted page, and the whole export.
for name, url in (
    ("filtered page", "/books/?format=ebook&in_stock=yes&price_from=0&q=Book&sort=-title&page=5"),
    ("filtered API", "/api/books/?format=ebook&in_stock=true&q=Book&sort=-title&page=5&page_size=20"),
    ("CSV export", "/books/export.csv"),
):
    if fetch(url).status_code != 404:  # (a project without filters or export)
        print(f"{name:<13} generated {timed(url) * 1000:7.2f} ms, {sql_count(url)} sql")
"""


def bench_resources(runs: int) -> int:
    """The generated bookshop pages and API against hand-written views (see the docstring)."""
    sys.path.insert(0, str(ROOT))
    from tests.genenv import build_gen_env

    env = build_gen_env()
    with tempfile.TemporaryDirectory(prefix="flaskgen-bench-") as tmp:
        out = Path(tmp) / "bookshop"
        subprocess.run([*flaskgen(), "new", str(ROOT / "examples" / "bookshop.yaml"), "-o", str(out)], check=True, stdout=subprocess.DEVNULL)
        env.install(out)
        result = env.run([env.python, "-c", RESOURCE_BENCH, str(Path(tmp) / "bench.db"), str(runs)], cwd=out)
    print(result.stdout, end="")
    if result.returncode:
        print(result.stderr, file=sys.stderr)
        return 1
    ratios = [float(line.rsplit(" ", 1)[1]) for line in result.stdout.splitlines() if "ratio" in line]
    verdict = "ok" if max(ratios) <= TARGET_RATIO else "SLOW"
    print(f"goal: ratio <= {TARGET_RATIO}: {verdict}")
    return 0 if verdict == "ok" else 1
