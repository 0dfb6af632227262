"""flaskgen's pure core: spec text in, typed values and a plan out.

Nothing in this package reads or writes files, renders Jinja, runs programs or talks to
the user (tests/test_layout.py enforces it). The shell around it (``flaskgen.specfile``,
``render``, ``format``, ``write``, ``regen``, ``cli``) does the I/O.
"""
