from . import liifgan  # noqa: F401
