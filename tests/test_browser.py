"""The bundled show's pages in a real browser: Debian's headless Chromium driven by
Playwright, against `podpub serve`.

The oracles: chapters.json for chapter starts, transcript.vtt (read by webvtt-py) for
which cue covers a time, the audio element's own currentTime, the browser's record of
every request, and axe-core (npm) for accessibility.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import webvtt
from conftest import BUNDLED_SLUG

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is needed (make system-deps installs it)"
)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (pip, .[dev])")

PAGE_WEIGHT_MAX = 250_000  # bytes the episode page loads, its audio aside


@pytest.fixture(scope="module", name="origin")
def origin_fixture(bundled_show: Path) -> Iterator[str]:
    """`podpub serve` on a free port, serving the bundled show's feed/."""
    process = subprocess.Popen(
        [sys.executable, "-m", "podpub", "serve", "--root", str(bundled_show), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        line = ""
        while "serving" not in line:
            line = process.stderr.readline()
            assert line, "podpub serve exited"
        found = re.search(r"(http://[^/\s]+)/", line)
        assert found is not None
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--autoplay-policy=no-user-gesture-required"],
        )
        yield browser
        browser.close()


class Visit:
    """A page in a fresh context, with every request it makes recorded."""

    def __init__(self, browser: Any, origin: str) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.origin = origin
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))

    def foreign(self) -> list[str]:
        own = urlsplit(self.origin).netloc
        return [u for u in self.requests if not u.startswith("data:") and urlsplit(u).netloc != own]


@pytest.fixture(name="visit")
def visit_fixture(browser: Any, origin: str) -> Iterator[Visit]:
    visit = Visit(browser, origin)
    yield visit
    foreign = visit.foreign()
    visit.context.close()
    assert not foreign, f"requests left the page's origin: {foreign}"  # on every page


def episode_url(origin: str, fragment: str = "") -> str:
    return f"{origin}/{BUNDLED_SLUG}/{fragment}"


def current_time(page: Any) -> float:
    value: float = page.evaluate("document.getElementById('player').currentTime")
    return value


def wait_for_time(page: Any, seconds: float, tolerance: float = 0.5) -> None:
    page.wait_for_function(
        "([t, tol]) => Math.abs(document.getElementById('player').currentTime - t) <= tol",
        arg=[seconds, tolerance],
    )


def test_the_episode_page_loads(visit: Visit, bundled_show: Path) -> None:
    page = visit.page
    response = page.goto(episode_url(visit.origin))
    assert response is not None and response.status == 200
    chapters = json.loads(
        (bundled_show / "feed" / BUNDLED_SLUG / "chapters.json").read_text("utf-8")
    )["chapters"]
    assert page.locator(".chapters a").count() == len(chapters)
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    duration = page.evaluate("document.getElementById('player').duration")
    assert duration > 1000
    assert page.locator("h1").inner_text().strip()


def test_clicking_the_third_chapter_seeks_to_its_start(visit: Visit, bundled_show: Path) -> None:
    chapters = json.loads(
        (bundled_show / "feed" / BUNDLED_SLUG / "chapters.json").read_text("utf-8")
    )["chapters"]
    start = float(chapters[2]["startTime"])
    page = visit.page
    page.goto(episode_url(visit.origin))
    page.locator(".chapters li").nth(2).locator("a").click()
    wait_for_time(page, start)
    assert page.evaluate("location.hash") == f"#t={chapters[2]['startTime']:g}"


def _vtt_cue_at(bundled_show: Path, seconds: float) -> str:
    captions = webvtt.read(str(bundled_show / "feed" / BUNDLED_SLUG / "transcript.vtt"))
    covering = [c for c in captions if c.start_in_seconds <= seconds < c.end_in_seconds]
    assert len(covering) == 1, covering
    text = re.sub(r"<[^>]+>", "", covering[0].raw_text)
    return " ".join(text.split())


def test_the_cue_being_played_is_current(visit: Visit, bundled_show: Path) -> None:
    page = visit.page
    page.goto(episode_url(visit.origin))
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    page.evaluate(
        "() => { const a = document.getElementById('player'); a.currentTime = 1000; a.play(); }"
    )
    # playing: time moves past the seek, then stop so that the check reads one moment
    page.wait_for_function("document.getElementById('player').currentTime > 1000.5")
    page.evaluate("document.getElementById('player').pause()")
    page.wait_for_function("document.getElementById('player').paused")
    page.wait_for_function(
        """() => {
            const t = document.getElementById('player').currentTime;
            const el = document.querySelector('[aria-current="true"]');
            return el && +el.dataset.start <= t && t < +el.dataset.end;
        }"""
    )
    state = page.evaluate(
        """() => ({
            t: document.getElementById('player').currentTime,
            text: document.querySelector('[aria-current="true"]').textContent,
            all: document.querySelectorAll('[aria-current="true"]').length,
        })"""
    )
    assert state["t"] > 1000 and state["all"] == 1
    assert " ".join(state["text"].split()) == _vtt_cue_at(bundled_show, state["t"])


def test_the_current_cue_is_kept_in_view(visit: Visit) -> None:
    page = visit.page
    page.goto(episode_url(visit.origin))
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    assert page.evaluate("window.scrollY") == 0
    page.evaluate(
        "() => { const a = document.getElementById('player'); a.currentTime = 1000; a.play(); }"
    )
    page.wait_for_function(
        """() => {
            const el = document.querySelector('[aria-current="true"]');
            if (!el) return false;
            const r = el.getBoundingClientRect();
            return r.top >= 0 && r.bottom <= window.innerHeight;
        }"""
    )
    assert page.evaluate("window.scrollY") > 0


def test_a_deep_link_starts_there(visit: Visit) -> None:
    page = visit.page
    page.goto(episode_url(visit.origin, "#t=955.5"))
    wait_for_time(page, 955.5)
    page.evaluate("location.hash = '#t=300'")  # a new fragment on the open page
    wait_for_time(page, 300)


def test_clicking_a_cue_seeks_to_it(visit: Visit) -> None:
    page = visit.page
    page.goto(episode_url(visit.origin))
    cue = page.locator(".cue").nth(40)
    start = float(cue.get_attribute("data-start") or "nan")
    cue.click()
    wait_for_time(page, start)


def test_the_show_page_leads_to_the_episode(visit: Visit) -> None:
    page = visit.page
    page.goto(f"{visit.origin}/")
    page.locator(f'.episodes a[href="{BUNDLED_SLUG}/"]').click()
    page.wait_for_url(episode_url(visit.origin))
    page.wait_for_function("document.getElementById('player').readyState >= 1")


def test_page_weight_without_the_audio(visit: Visit) -> None:
    sizes: dict[str, int] = {}

    def record(response: Any) -> None:
        if response.request.resource_type != "media":
            sizes[response.url] = len(response.body())

    visit.page.on("response", record)
    visit.page.goto(episode_url(visit.origin), wait_until="networkidle")
    assert sizes and sum(sizes.values()) <= PAGE_WEIGHT_MAX, sizes


@pytest.fixture(scope="module", name="axe")
def axe_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """axe-core from npm (the browser gets the script from this file, not the network)."""
    if shutil.which("npm") is None:
        pytest.skip("npm is needed to install axe-core")
    folder = tmp_path_factory.mktemp("axe")
    try:
        subprocess.run(
            ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund",
             "--ignore-scripts", "axe-core@4"],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"npm install axe-core failed (no registry?): {exc}")
    return folder / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("where", ["show", "episode"])
def test_axe_finds_no_serious_violation(visit: Visit, axe: Path, where: str, scheme: str) -> None:
    page = visit.page
    page.emulate_media(color_scheme=scheme)
    page.goto(episode_url(visit.origin) if where == "episode" else f"{visit.origin}/")
    page.add_script_tag(path=str(axe))
    result = page.evaluate("axe.run()")
    bad = [
        (v["id"], v["impact"], [n["html"][:80] for n in v["nodes"][:3]])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad


def test_without_javascript_it_is_a_plain_page(browser: Any, origin: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(episode_url(origin))
        assert page.locator("audio#player[controls]").count() == 1
        assert page.locator(".cue").count() > 100
        assert page.locator(".chapters a").count() >= 3
        assert page.locator('[aria-current="true"]').count() == 0
    finally:
        context.close()
