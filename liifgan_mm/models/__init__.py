from . import editors, losses  # noqa: F401
