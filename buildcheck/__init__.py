"""buildcheck: will this damocles-worker build carry debug info, exactly why, and what to set instead."""

__version__ = "0.1.0"
