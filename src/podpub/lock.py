"""The GUID lock (I/O at the edges): published GUIDs never change.

``podpub.lock`` at the show root records, for every published episode, its GUID and
enclosure URL, and the show's ``podcast:guid``. It is deterministic JSON, meant to be
committed next to ``podcast.yaml``. A build that would change or drop a locked GUID
(a renamed episode folder, an edited guid, a deleted episode) or the show's
podcast:guid stops before anything is written; dropping an episode on purpose needs
``--allow-remove SLUG``. The lock is rewritten only after a successful publish.

Why: "The GUID of an episode should never change ... otherwise this episode will be
duplicated downstream" (podcast namespace, other-recommendations.md); Apple: a GUID is
unique and never changes "even if an episode's metadata, like title or enclosure URL, do
change"; podcast:guid "MUST follow the podcast even if the feed URL later changes"
(podcast namespace, tags/guid.md).

``plan_lock`` is pure (records in, a plan or errors out); ``read_lock`` and
``write_lock`` do the file I/O.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podpub.errors import BuildError, MultipleErrors, PodpubError

LOCK_FILE = "podpub.lock"
LOCK_VERSION = 1
_RESTORE_HINT = "restore it from version control (git checkout podpub.lock)"
_COMMENT = (
    "podpub.lock: the GUIDs this show has published. Commit it; podpub refuses builds "
    "that would change them. Do not edit by hand."
)


@dataclass(frozen=True)
class LockedEpisode:
    """One published episode: its folder name, GUID and enclosure URL."""

    slug: str
    guid: str
    enclosure_url: str


@dataclass(frozen=True)
class Lock:
    podcast_guid: str | None
    episodes: tuple[LockedEpisode, ...] = ()

    def by_slug(self) -> dict[str, LockedEpisode]:
        return {e.slug: e for e in self.episodes}


@dataclass(frozen=True)
class LockPlan:
    """What the build will publish, checked against the lock, and what to write after."""

    lock: Lock
    warnings: tuple[str, ...] = ()
    removed: tuple[str, ...] = field(default=())  # slugs dropped on purpose


def lock_path(root: Path) -> Path:
    return root / LOCK_FILE


def read_lock(root: Path) -> Lock | None:
    """The lock at ``root``, None when there is none yet (first build)."""
    path = lock_path(root)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError(f"cannot read the GUID lock: {exc}", path, None, _RESTORE_HINT) from None
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BuildError(
            f"the GUID lock is not valid JSON ({exc.msg})", path, exc.lineno, _RESTORE_HINT
        ) from None
    return _lock_from_json(data, path)


def _lock_from_json(data: Any, path: Path) -> Lock:
    def bad(what: str) -> BuildError:
        return BuildError(f"the GUID lock is damaged: {what}", path, None, _RESTORE_HINT)

    if not isinstance(data, dict):
        raise bad("expected a JSON object")
    if data.get("version") != LOCK_VERSION:
        raise bad(f"unknown version {data.get('version')!r} (this podpub writes {LOCK_VERSION})")
    podcast_guid = data.get("podcast_guid")
    if podcast_guid is not None and not isinstance(podcast_guid, str):
        raise bad("'podcast_guid' must be text")
    raw = data.get("episodes", {})
    if not isinstance(raw, dict):
        raise bad("'episodes' must be an object")
    episodes: list[LockedEpisode] = []
    for slug, entry in raw.items():
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("guid"), str)
            or not isinstance(entry.get("enclosure"), str)
        ):
            raise bad(f"episode {slug!r} needs 'guid' and 'enclosure'")
        episodes.append(LockedEpisode(slug, entry["guid"], entry["enclosure"]))
    return Lock(podcast_guid, tuple(sorted(episodes, key=lambda e: e.slug)))


def render_lock(lock: Lock) -> str:
    """Deterministic JSON: sorted keys, two-space indent, trailing newline."""
    data = {
        "comment": _COMMENT,
        "version": LOCK_VERSION,
        "podcast_guid": lock.podcast_guid,
        "episodes": {
            e.slug: {"guid": e.guid, "enclosure": e.enclosure_url}
            for e in sorted(lock.episodes, key=lambda e: e.slug)
        },
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_lock(root: Path, lock: Lock) -> bool:
    """Write the lock atomically when its text changes; True if it was written."""
    path = lock_path(root)
    text = render_lock(lock)
    try:
        if path.read_text("utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    tmp = path.with_name(f".{LOCK_FILE}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise BuildError(
            f"feed published, but the GUID lock could not be written: {exc.strerror}",
            path,
            None,
            "fix the permissions and build again; the lock is written after each publish",
        ) from None
    return True


def lock_problems(
    previous: Lock | None,
    podcast_guid: str,
    planned: Sequence[LockedEpisode],
    allow_remove: Collection[str],
    root: Path,
) -> tuple[list[PodpubError], list[str]]:
    """Errors (the build must stop) and warnings of publishing ``planned`` over the lock."""
    errors: list[PodpubError] = []
    warnings: list[str] = []
    path = lock_path(root)

    def episode_file(slug: str) -> Path:
        return root / "episodes" / slug / "episode.yaml"

    seen: dict[str, str] = {}
    for entry in planned:
        other = seen.get(entry.guid)
        if other is not None:
            errors.append(
                BuildError(
                    f"guid {entry.guid} is also used by episode {other!r}: two episodes "
                    "would share one GUID",
                    episode_file(entry.slug),
                    None,
                    "give the newer episode its own guid (podpub new makes one)",
                )
            )
        seen[entry.guid] = entry.slug
    if previous is None:
        return errors, warnings

    if previous.podcast_guid and previous.podcast_guid != podcast_guid:
        errors.append(
            BuildError(
                f"podcast:guid would change from {previous.podcast_guid} (locked in "
                f"{LOCK_FILE}) to {podcast_guid}; it must follow the show for life, even "
                "when the feed URL changes",
                root / "podcast.yaml",
                None,
                f"add 'guid: {previous.podcast_guid}' to podcast.yaml",
            )
        )
    planned_by_slug = {e.slug: e for e in planned}
    planned_by_guid = {e.guid: e for e in planned}
    locked = previous.by_slug()
    for name in sorted(set(allow_remove) - set(locked)):
        errors.append(
            BuildError(
                f"--allow-remove {name}: no episode {name!r} is recorded in the lock",
                path,
                None,
                f"check the spelling; locked episodes: {', '.join(sorted(locked)) or 'none'}",
            )
        )
    for slug, old in sorted(locked.items()):
        if slug in allow_remove:
            continue
        new = planned_by_slug.get(slug)
        if new is None:
            moved = planned_by_guid.get(old.guid)
            if moved is not None:
                errors.append(
                    BuildError(
                        f"episode {slug!r} (guid {old.guid}) seems renamed to {moved.slug!r}: "
                        f"its enclosure URL would change from {old.enclosure_url} to "
                        f"{moved.enclosure_url}",
                        root / "episodes" / moved.slug,
                        None,
                        f"rename the folder back to episodes/{slug}, or build with "
                        f"--allow-remove {slug} to publish it under the new name",
                    )
                )
            else:
                errors.append(
                    BuildError(
                        f"published episode {slug!r} (guid {old.guid}) is missing: the build "
                        "would drop it from the feed",
                        root / "episodes" / slug,
                        None,
                        f"restore episodes/{slug}, or build with --allow-remove {slug} to "
                        "remove it on purpose",
                    )
                )
            continue
        if new.guid != old.guid:
            errors.append(
                BuildError(
                    f"the guid of published episode {slug!r} changed from {old.guid} to "
                    f"{new.guid}: apps would list the episode twice",
                    episode_file(slug),
                    None,
                    f"put back 'guid: {old.guid}'",
                )
            )
        elif new.enclosure_url != old.enclosure_url:
            warnings.append(
                f"{slug}: enclosure URL changes from {old.enclosure_url} to "
                f"{new.enclosure_url} (the guid stays, so apps keep the episode)"
            )
    return errors, warnings


def plan_lock(
    root: Path,
    podcast_guid: str,
    planned: Sequence[LockedEpisode],
    allow_remove: Collection[str] = (),
) -> LockPlan:
    """Check the planned episodes against ``podpub.lock``; raise if a GUID would break."""
    previous = read_lock(root)
    errors, warnings = lock_problems(previous, podcast_guid, planned, allow_remove, root)
    if errors:
        raise errors[0] if len(errors) == 1 else MultipleErrors(errors)
    present = {e.slug for e in planned}
    warnings += [
        f"--allow-remove {slug}: episodes/{slug} is still there, so it stays published"
        for slug in sorted(set(allow_remove) & present)
    ]
    removed = tuple(
        sorted(
            e.slug
            for e in (previous.episodes if previous else ())
            if e.slug in allow_remove and e.slug not in present
        )
    )
    lock = Lock(podcast_guid, tuple(sorted(planned, key=lambda e: e.slug)))
    return LockPlan(lock=lock, warnings=tuple(warnings), removed=removed)
