"""Load stage (I/O): podcast.yaml and episode.yaml -> validated records.

``show`` reads podcast.yaml, ``episode`` an episode's folder, each field by a reader in
its table; ``fields`` holds the readers they share. Every problem in a file is reported
at once, each with the file and line and what to do.
"""

from __future__ import annotations

from podpub.load.episode import (
    EPISODE_FILE,
    EPISODES_DIR,
    SLUG,
    episode_folders,
    load_episode,
    new_episode_yaml,
)
from podpub.load.show import LANGUAGE, SHOW_FILE, UUID_RE, apple_categories, load_show

__all__ = [
    "EPISODES_DIR",
    "EPISODE_FILE",
    "LANGUAGE",
    "SHOW_FILE",
    "SLUG",
    "UUID_RE",
    "apple_categories",
    "episode_folders",
    "load_episode",
    "load_show",
    "new_episode_yaml",
]
