// The studio's few behaviours beyond plain forms: keyboard shortcuts on the board, the provenance panel,
// live run progress (server-sent events), and the screening room's subtitle and sound choices.
"use strict";

(function () {
  const page = document.body.dataset.page;
  let serial = Number(document.body.dataset.serial || 0);

  // --- the board: keys on a focused card --------------------------------------------------------
  const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT", "BUTTON"]);

  function cardsOf(scene) {
    return Array.from(scene.querySelectorAll(".card"));
  }

  function moveFocus(card, key) {
    const scene = card.closest(".scene");
    const cards = cardsOf(scene);
    const index = cards.indexOf(card);
    if (key === "ArrowRight" && index + 1 < cards.length) return cards[index + 1].focus();
    if (key === "ArrowLeft" && index > 0) return cards[index - 1].focus();
    const scenes = Array.from(document.querySelectorAll(".scene"));
    const next = scenes[scenes.indexOf(scene) + (key === "ArrowDown" ? 1 : -1)];
    if (next) {
      const there = cardsOf(next);
      if (there.length) there[Math.min(index, there.length - 1)].focus();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (page !== "board" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (TYPING.has(event.target.tagName)) return;
    const card = document.activeElement && document.activeElement.closest(".card");
    if (!card) return;
    const scene = card.closest(".scene");
    if (event.key.startsWith("Arrow")) {
      event.preventDefault();
      moveFocus(card, event.key);
      return;
    }
    const form = scene.querySelector("form.verdicts");
    if (!form) return;
    if (event.key === "n") {
      event.preventDefault();
      form.querySelector("input[name=note]").focus();
      return;
    }
    if (event.key === "i") {
      const link = scene.querySelector(".scene-head a[data-panel]");
      if (link) openPanel(link.getAttribute("href"));
      return;
    }
    const button = form.querySelector('button[data-shortcut="' + event.key + '"]');
    if (button) {
      event.preventDefault();
      form.requestSubmit(button);
    }
  });

  // --- the provenance panel ------------------------------------------------------------------------
  const panel = document.getElementById("panel");

  async function openPanel(href) {
    if (!panel) {
      window.location.href = href;
      return;
    }
    const answer = await fetch(href + (href.includes("?") ? "&" : "?") + "panel=1", { credentials: "same-origin" });
    if (!answer.ok) return;
    panel.innerHTML = await answer.text();
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.textContent = "close";
    close.addEventListener("click", function () {
      panel.hidden = true;
    });
    panel.prepend(close);
    panel.hidden = false;
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a[data-panel]");
    if (!link || !panel || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    openPanel(link.getAttribute("href"));
  });

  // --- the run: progress as it happens ------------------------------------------------------------
  const state = document.getElementById("run-state");
  let refreshed = 0;
  let lastMade = -1;

  async function refreshRows() {
    const rows = document.getElementById("rows");
    if (!rows) return;
    refreshed = Date.now();
    const focused = document.activeElement && document.activeElement.closest(".card");
    const where = focused ? [focused.closest(".scene").id, focused.dataset.shot] : null;
    const answer = await fetch("/board/rows", { credentials: "same-origin" });
    if (!answer.ok) return;
    rows.innerHTML = await answer.text();
    if (where) {
      const again = document.querySelector("#" + CSS.escape(where[0]) + ' .card[data-shot="' + CSS.escape(where[1]) + '"]');
      if (again) again.focus();
    }
  }

  function show(progress) {
    if (state) {
      state.className = "run-state " + progress.state;
      state.textContent = progress.rolling
        ? "rolling " + progress.made + "/" + progress.to_make
        : progress.state === "idle" ? "" : "last run " + progress.state;
    }
    const bar = document.getElementById("run-progress");
    if (bar) {
      bar.hidden = !progress.rolling;
      bar.max = progress.to_make || 1;
      bar.value = progress.made;
    }
    const line = document.getElementById("run-line");
    if (line && progress.rolling) {
      line.textContent = progress.state === "planning"
        ? "Planning the run…"
        : "Rolling: " + progress.made + " of " + progress.to_make + " steps made.";
    }
    const start = document.getElementById("start-run");
    if (start) start.disabled = progress.rolling;
    const stop = document.getElementById("stop-run");
    if (stop) stop.disabled = !progress.rolling;
  }

  if (state && window.EventSource && (page === "board" || page === "run")) {
    const events = new EventSource("/run/events");
    events.addEventListener("progress", function (message) {
      const progress = JSON.parse(message.data);
      show(progress);
      if (progress.serial > serial && !progress.rolling) {
        serial = progress.serial;
        document.body.dataset.serial = String(serial);
        if (page === "run") window.location.reload();
        else refreshRows();
      } else if (progress.rolling && progress.made !== lastMade && Date.now() - refreshed > 3000) {
        lastMade = progress.made;
        if (page === "board") refreshRows();
      }
    });
  }

  // --- the screening room ---------------------------------------------------------------------------
  const film = document.getElementById("film");
  const dub = document.getElementById("dub");
  if (film && dub) {
    const offset = Number(film.dataset.dubOffset || 0);
    let dubbed = false;

    function follow() {
      if (!dubbed) return;
      const at = film.currentTime - offset;
      if (film.paused || at < 0) {
        dub.pause();
        return;
      }
      if (Math.abs(dub.currentTime - at) > 0.25) dub.currentTime = at;
      dub.playbackRate = film.playbackRate;
      if (dub.paused) dub.play().catch(function () {});
    }

    ["play", "pause", "seeked", "ratechange", "timeupdate"].forEach(function (name) {
      film.addEventListener(name, follow);
    });

    document.getElementById("sound-language").addEventListener("change", function (event) {
      const language = event.target.value;
      dubbed = language !== "";
      film.muted = dubbed;
      if (dubbed) {
        dub.src = "/dub/" + encodeURIComponent(language) + ".wav";
        dub.load();
        follow();
      } else {
        dub.pause();
        dub.removeAttribute("src");
        dub.load();
      }
    });

    document.getElementById("subtitle-language").addEventListener("change", function (event) {
      for (const track of film.textTracks) {
        if (track.kind === "subtitles") track.mode = track.language === event.target.value ? "showing" : "disabled";
      }
    });

    document.querySelectorAll("button.chapter").forEach(function (button) {
      button.addEventListener("click", function () {
        film.currentTime = Number(button.dataset.start);
        film.play().catch(function () {});
      });
    });
  }
})();
