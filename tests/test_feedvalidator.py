"""The W3C Feed Validator's own source (vendored: tests/vendor/README.md) on podpub's
feeds: the feed podpub wrote before the Podcasting 2.0 tags of issue #19 (the golden
file) has no error, the bundled ADVOCATE show's feed has no new one, and a broken feed
does get errors (so the oracle is not silent). The show using every tag is validated in
tests/test_podcasting20.py."""

from __future__ import annotations

from pathlib import Path

from w3c import GOLDEN_FEED, new_errors, validate


def test_the_golden_feed_has_no_error() -> None:
    findings = validate(GOLDEN_FEED)
    assert findings, "the validator reported nothing at all (not even its warnings)"
    assert not [f["text"] for f in findings if f["error"]]


def test_a_broken_feed_gets_errors(tmp_path: Path) -> None:
    text = GOLDEN_FEED.read_text("utf-8")
    broken = tmp_path / "feed.xml"
    assert "<pubDate>" in text and '<enclosure url="' in text
    text = text.replace("<pubDate>", "<pubDate>yesterday, ", 1)
    broken.write_text(text.replace('<enclosure url="', '<enclosure src="', 1), "utf-8")
    errors = new_errors(broken)
    assert any("pubDate" in e for e in errors), errors
    assert any("url" in e for e in errors), errors


def test_the_bundled_show_feed_has_no_new_error(bundled_show: Path) -> None:
    assert not new_errors(bundled_show / "feed" / "feed.xml")
