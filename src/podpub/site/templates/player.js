(function () {
  "use strict";
  var audio = document.getElementById("player");
  if (!audio) { return; }
  var cues = Array.prototype.slice.call(document.querySelectorAll(".cue[data-start]"));
  var starts = cues.map(function (c) { return parseFloat(c.getAttribute("data-start")); });
  var ends = cues.map(function (c) { return parseFloat(c.getAttribute("data-end")); });
  var current = null;
  var userScrolledAt = -Infinity;
  var FOLLOW_PAUSE_MS = 4000;

  function fragmentTime(hash) {
    var m = /(?:^#|&)t=(?:npt:)?([0-9:.]+)/.exec(hash || "");
    if (!m) { return null; }
    var parts = m[1].split(":");
    var t = 0;
    for (var i = 0; i < parts.length; i++) { t = t * 60 + parseFloat(parts[i]); }
    return isFinite(t) && t >= 0 ? t : null;
  }

  function seek(t, play) {
    var apply = function () { audio.currentTime = t; };
    if (audio.readyState >= 1) { apply(); } else {
      audio.currentTime = t;
      audio.addEventListener("loadedmetadata", apply, { once: true });
      if (audio.preload === "none") { audio.load(); }
    }
    if (play) {
      var p = audio.play();
      if (p && p.catch) { p.catch(function () {}); }
    }
  }

  function cueAt(t) {
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found >= 0 && t < ends[found] ? cues[found] : null;
  }

  function inView(el) {
    var r = el.getBoundingClientRect();
    var top = audio.getBoundingClientRect().bottom;
    return r.top >= Math.max(0, top) && r.bottom <= window.innerHeight;
  }

  function follow() {
    var cue = cueAt(audio.currentTime);
    if (cue === current) { return; }
    if (current) { current.removeAttribute("aria-current"); }
    current = cue;
    if (!cue) { return; }
    cue.setAttribute("aria-current", "true");
    var userIsReading = Date.now() - userScrolledAt < FOLLOW_PAUSE_MS;
    if (!audio.paused && !userIsReading && !inView(cue)) {
      var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      cue.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
    }
  }

  ["wheel", "touchmove", "keydown"].forEach(function (name) {
    window.addEventListener(name, function () { userScrolledAt = Date.now(); }, { passive: true });
  });
  audio.addEventListener("timeupdate", follow);
  audio.addEventListener("seeked", follow);

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var link = target.closest('a[href^="#t="]');
    if (link) {
      var t = fragmentTime(link.getAttribute("href"));
      if (t !== null) {
        event.preventDefault();
        if (history.replaceState) { history.replaceState(null, "", link.getAttribute("href")); }
        seek(t, true);
      }
      return;
    }
    var cue = target.closest(".cue[data-start]");
    var selection = window.getSelection ? window.getSelection() : null;
    if (cue && (!selection || selection.isCollapsed)) {
      seek(parseFloat(cue.getAttribute("data-start")), true);
    }
  });

  window.addEventListener("hashchange", function () {
    var t = fragmentTime(location.hash);
    if (t !== null) { seek(t, true); }
  });

  var start = fragmentTime(location.hash);
  if (start !== null) { seek(start, false); }
})();
