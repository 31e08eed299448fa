"""Pure logic: tokenizing, diffing, redlining, merging, Markdown rendering.

Nothing in this package imports FastAPI or SQLAlchemy; every function takes and
returns plain values, so it can be property-tested and benchmarked on its own.
"""
