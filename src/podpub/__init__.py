"""podpub: turn a folder of podcast episodes into a feed every podcast app reads right."""

__version__ = "0.1.0"
