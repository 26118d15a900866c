"""Production: what `make run` serves and what operators deploy (see docs/operations.md)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
