/* "Đọc to": the document read aloud by the browser's own Vietnamese voice.
 *
 * The control stays hidden unless the browser has a Vietnamese voice: a reader
 * must never press a button that then reads Vietnamese with an English voice.
 * Voices often arrive late (voiceschanged), so the check runs again then.
 * The text is spoken one block (heading, paragraph, list item) at a time: long
 * utterances are cut off by some engines, and one block at a time lets the page
 * mark and follow the passage being read. While reading, the controls stay on
 * screen (a bar at the bottom), so pausing never needs a scroll back up.
 * Pausing cancels the passage and resuming reads it again from its start: on
 * Android, speechSynthesis.pause() ends the utterance instead of pausing it. */
(function () {
  "use strict";

  var control = document.getElementById("_doc-to");
  var article = document.querySelector("article.document");
  if (!control || !article || !("speechSynthesis" in window) ||
      typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }
  var speech = window.speechSynthesis;
  var playButton = control.querySelector("[data-action=play]");
  var stopButton = control.querySelector("[data-action=stop]");
  var status = control.querySelector("[role=status]");
  var LABELS = { idle: "Đọc to văn bản", reading: "Tạm dừng", paused: "Đọc tiếp" };
  var BLOCKS = "h1, .summary, .doc-body h2, .doc-body h3, .doc-body h4, .doc-body h5, " +
               ".doc-body h6, .doc-body p, .doc-body li, .doc-body dt, .doc-body dd, " +
               ".doc-body pre, .doc-body th, .doc-body td";
  var RATE = 0.95;  // a little slower than the default, for older listeners

  var voice = null;
  var blocks = [];
  var index = 0;
  var state = "idle";
  var run = 0;  // bumps on every stop and pause, so a late "end" of an old utterance is ignored

  function vietnameseVoice() {
    var voices = speech.getVoices() || [];
    var best = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = String(voices[i].lang || "").replace("_", "-").toLowerCase();
      if (lang === "vi-vn" && (!best || voices[i].localService)) { best = voices[i]; }
      else if (!best && lang.indexOf("vi") === 0) { best = voices[i]; }
    }
    return best;
  }

  function offer() {
    voice = vietnameseVoice();
    control.hidden = !voice;
  }

  // Innermost blocks only: a list item holding paragraphs is read as its paragraphs.
  function readableBlocks() {
    var found = Array.prototype.slice.call(article.querySelectorAll(BLOCKS));
    return found.filter(function (el) {
      return el.textContent.trim() && !el.querySelector(BLOCKS);
    });
  }

  function setState(next) {
    state = next;
    playButton.textContent = LABELS[next];
    stopButton.hidden = next === "idle";
    control.classList.toggle("is-active", next !== "idle");
    document.documentElement.classList.toggle("is-reading-aloud", next !== "idle");
  }

  function mark(el) {
    var old = article.querySelector(".dang-doc");
    if (old) { old.classList.remove("dang-doc"); }
    if (!el) { return; }
    el.classList.add("dang-doc");
    var box = el.getBoundingClientRect();
    var visibleUntil = control.getBoundingClientRect().top;  // the bar covers the rest
    if (box.top < 0 || box.bottom > visibleUntil) {
      el.scrollIntoView({ block: "center" });
    }
  }

  function speakNext(current) {
    if (current !== run) { return; }
    if (index >= blocks.length) {
      stop("Đã đọc hết văn bản.");
      return;
    }
    var el = blocks[index];
    var utterance = new SpeechSynthesisUtterance(el.textContent.replace(/\s+/g, " ").trim());
    utterance.lang = voice.lang || "vi-VN";
    utterance.voice = voice;
    utterance.rate = RATE;
    utterance.onend = function () {
      if (current !== run) { return; }
      index += 1;
      speakNext(current);
    };
    utterance.onerror = function (event) {
      if (event && (event.error === "interrupted" || event.error === "canceled")) { return; }
      stop("Không đọc được đoạn này; trình duyệt báo lỗi giọng đọc.");
    };
    mark(el);
    speech.speak(utterance);
  }

  function start() {
    blocks = readableBlocks();
    index = 0;
    run += 1;
    speech.cancel();
    setState("reading");
    status.textContent = "Đang đọc văn bản.";
    speakNext(run);
  }

  function stop(message) {
    run += 1;
    speech.cancel();
    mark(null);
    if (document.activeElement === stopButton) { playButton.focus({ preventScroll: true }); }
    setState("idle");
    status.textContent = message || "Đã dừng đọc.";
  }

  function pause() {
    run += 1;
    speech.cancel();
    setState("paused");
    status.textContent = "Đã tạm dừng.";
  }

  function resume() {
    run += 1;
    setState("reading");
    status.textContent = "Đang đọc văn bản.";
    speakNext(run);
  }

  playButton.addEventListener("click", function () {
    if (state === "idle") { start(); }
    else if (state === "reading") { pause(); }
    else { resume(); }
  });
  stopButton.addEventListener("click", function () { stop(); });
  window.addEventListener("pagehide", function () { if (state !== "idle") { stop(); } });
  if (typeof speech.addEventListener === "function") {
    speech.addEventListener("voiceschanged", offer);
  }
  offer();
}());
