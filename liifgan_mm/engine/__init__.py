from .hooks import ProgressBarHook  # noqa: F401
