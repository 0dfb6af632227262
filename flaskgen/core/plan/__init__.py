"""Planning: ProjectSpec -> the files to generate, one module per feature.

``project.plan`` assembles the contributions of ``features``, ``data``, ``auth``,
``resources`` and ``deploy``; ``base`` holds what they share (``PlannedFile``, ``Phase``).
"""
