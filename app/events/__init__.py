"""The live event stream: the audit log, pushed to open browsers as server-sent events.

``hub`` turns committed audit entries into events for this process's
subscribers; ``router`` serves them as ``GET /api/events``.
"""
