"""Views of the app itself: their endpoints have no blueprint prefix."""

from __future__ import annotations

from flask import Flask, Response, abort, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from markupsafe import escape


def index() -> ResponseReturnValue:
    """GET /"""
    return render_template("index.html")


def hello(name: str | None = None) -> ResponseReturnValue:
    """GET /hello/, /hello/<name>"""
    return render_template("hello.html", name=name)


def show_user(username: str) -> ResponseReturnValue:
    """GET /user/<username>"""
    return Response(f"User {username}", mimetype="text/plain")


def show_post(post_id: int) -> ResponseReturnValue:
    """GET /post/<int:post_id>"""
    return f"<h1>Post {escape(post_id)}</h1>"


def by_slug(tag: str) -> ResponseReturnValue:
    """GET /tag/<slug:tag>"""
    return jsonify({"tag": tag})


def number(nid: int) -> ResponseReturnValue:
    """GET /n/<regex("\\d+"):nid>"""
    return jsonify({"nid": nid})


def home(nid: int) -> ResponseReturnValue:
    """GET /home/<int:nid>"""
    return jsonify({"page": "home"})


def status() -> ResponseReturnValue:
    """GET, HEAD /status"""
    return jsonify({"ok": True})


def go_login() -> ResponseReturnValue:
    """GET /go"""
    return redirect(url_for("account.login"))


def secret() -> ResponseReturnValue:
    """GET /secret"""
    abort(401)


def docs() -> ResponseReturnValue:
    """GET /docs"""
    return Response("docs", mimetype="text/plain")


def page(name: str) -> ResponseReturnValue:
    """GET /page/<any(about, help):name>"""
    return Response(f"{name}", mimetype="text/plain")


def feed(page: int = 1) -> ResponseReturnValue:
    """GET /feed/, /feed/<int:page>"""
    return jsonify({"page": page})


def user_site(user: str) -> ResponseReturnValue:
    """GET /site"""
    return Response(f"{user}.crm.test", mimetype="text/plain")


def register_views(app: Flask) -> None:
    """Attach the views above to their URL rules."""
    app.add_url_rule("/", view_func=index)
    app.add_url_rule("/hello/", view_func=hello)
    app.add_url_rule("/hello/<name>", view_func=hello)
    app.add_url_rule("/user/<username>", view_func=show_user)
    app.add_url_rule("/post/<int:post_id>", view_func=show_post)
    app.add_url_rule("/tag/<slug:tag>", view_func=by_slug)
    app.add_url_rule('/n/<regex("\\d+"):nid>', view_func=number)
    app.add_url_rule("/index/<int:nid>", endpoint="legacy", redirect_to="/home/<nid>")
    app.add_url_rule("/home/<int:nid>", view_func=home)
    app.add_url_rule("/status", view_func=status, methods=["GET", "HEAD"])
    app.add_url_rule("/go", view_func=go_login)
    app.add_url_rule("/secret", view_func=secret)
    app.add_url_rule("/docs", view_func=docs, strict_slashes=False)
    app.add_url_rule("/page/<any(about, help):name>", view_func=page)
    app.add_url_rule("/feed/", view_func=feed, defaults={"page": 1})
    app.add_url_rule("/feed/<int:page>", view_func=feed)
    app.add_url_rule("/site", view_func=user_site, subdomain="<user>")
