"""The W3C Feed Validator (feedvalidator.org), run on a feed: its source is vendored in
tests/vendor/feedvalidator (see tests/vendor/README.md). It runs in a child process: it
sets a socket timeout for the whole process when imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"
GOLDEN_FEED = Path(__file__).resolve().parent / "golden" / "tiny" / "feed.xml"

# validate a file as feedvalidator.org does (its "AA" level, every occurrence), printing
# each event as {kind, error, line, element, text}
SCRIPT = """
import json, sys
import feedvalidator
from feedvalidator import compatibility
from feedvalidator.formatter.text_plain import Formatter
data = open(sys.argv[1], "rb").read()
try:
    events = feedvalidator.validateString(data, firstOccurrenceOnly=0)["loggedEvents"]
except feedvalidator.logging.ValidationFailure as failure:
    events = [failure.event]
events = compatibility.AA(events)
print(json.dumps([
    {"kind": type(e).__name__, "error": isinstance(e, feedvalidator.logging.Error),
     "line": e.params.get("line"), "element": e.params.get("element"),
     "text": Formatter([e])[0]}
    for e in events
]))
"""


def validate(feed: Path) -> list[dict[str, object]]:
    """The validator's findings on ``feed`` (errors and warnings)."""
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(feed)],
        env={**os.environ, "PYTHONPATH": str(VENDOR)},
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    findings: list[dict[str, object]] = json.loads(out.stdout)
    return findings


def new_errors(feed: Path, baseline: Path = GOLDEN_FEED) -> list[str]:
    """The validator's errors on ``feed`` of a kind it does not report on ``baseline``
    (the feed podpub wrote before these tags: the golden file)."""
    known = {str(f["kind"]) for f in validate(baseline) if f["error"]}
    return [str(f["text"]) for f in validate(feed) if f["error"] and f["kind"] not in known]
