"""The linkage app's models, one module per sub-concept: runs (snapshots, pipeline runs,
cleansing) and review (dedup models, pairs for clerical review)."""

from .review import *  # noqa: F403
from .runs import *  # noqa: F403
