/* Reading progress for the document page.
 *
 * Every second the page is visible and the reader active, each section of the
 * article gets the share of that second equal to the share of the screen it
 * covers; so three short sections on one screen split the second, one long
 * section filling the screen gets all of it. Whole seconds are queued as events
 * with an id made here (crypto.randomUUID), kept in localStorage until the
 * server has answered for them, and sent in small batches. The server counts an
 * id once, so resending after a lost answer, a reload or from two tabs is safe.
 * Offline (the page may come from the service worker's copy) events stay queued:
 * they are sent when the connection returns, on the next page load, or by the
 * retry that follows every failed attempt.
 * Without JavaScript the page reads fully; only the measuring is missing. */
(function () {
  "use strict";

  var TICK_MS = 1000;
  var FLUSH_TICKS = 10;       // queue whole seconds every 10 s
  var BATCH = 20;             // events per request
  var MAX_QUEUE = 500;        // oldest events dropped beyond this
  var MAX_EVENT_SECONDS = 600;
  var IDLE_MS = 120000;       // no scroll, touch or key for 2 min: not reading

  var panel = document.getElementById("_hoc-tap");
  var body = document.querySelector(".doc-body");
  if (!panel || !panel.dataset.endpoint || !window.fetch || !window.JSON) {
    return;
  }
  var endpoint = panel.dataset.endpoint;
  var slug = panel.dataset.document;
  var storeKey = "handbook.reading." + panel.dataset.user;
  var csrf = panel.dataset.csrf;
  var read = new Set(parseList(panel.dataset.read));
  var pending = {};           // anchor → fractional seconds not yet queued
  var visible = new Set();    // elements intersecting the viewport
  var lastActivity = Date.now();
  var ticks = 0;
  var sending = false;
  var failures = 0;
  var retryAt = 0;
  var retryTimer = null;
  var stopped = false;
  var lastEnd = 0;            // ms: end of the last event queued by this page

  function parseList(text) {
    try { return JSON.parse(text || "[]"); } catch (e) { return []; }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    return Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
  }

  /* Queue kept in localStorage, per user: another person signing in on the same
   * phone never sends these events under their own session. */
  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; }
  }

  function saveQueue(queue) {
    try { localStorage.setItem(storeKey, JSON.stringify(queue.slice(-MAX_QUEUE))); } catch (e) { /* full or private mode */ }
  }

  /* Sections as the server cuts them: text before the first h2–h4 with an id
   * (anchor ""), then each such heading with what follows it. */
  function splitSections() {
    var sections = [];
    var current = { anchor: "", elements: [] };
    Array.prototype.forEach.call(body.children, function (el) {
      if (/^H[234]$/.test(el.tagName) && el.id) {
        sections.push(current);
        current = { anchor: el.id, elements: [el] };
      } else {
        current.elements.push(el);
      }
    });
    sections.push(current);
    return sections.filter(function (s) { return s.elements.length; });
  }

  function sectionOf(sections) {
    var map = new Map();  // element → index of its section
    sections.forEach(function (s, i) {
      s.elements.forEach(function (el) { map.set(el, i); });
    });
    return map;
  }

  /* A section's band runs from its first element to the next section's first
   * element, margins included; its share of the second is the share of the
   * viewport the band covers. */
  function band(sections, i) {
    var top = sections[i].elements[0].getBoundingClientRect().top;
    var next = sections[i + 1];
    var last = sections[i].elements[sections[i].elements.length - 1];
    var bottom = next ? next.elements[0].getBoundingClientRect().top
                      : last.getBoundingClientRect().bottom;
    return { top: top, bottom: bottom };
  }

  function tick(sections, owner) {
    if (document.hidden || Date.now() - lastActivity > IDLE_MS) {
      return;
    }
    var height = window.innerHeight || document.documentElement.clientHeight;
    var shown = new Set();
    visible.forEach(function (el) { shown.add(owner.get(el)); });
    sections.forEach(function (section, i) {
      if (!shown.has(i) || read.has(section.anchor) || height <= 0) {
        return;
      }
      var box = band(sections, i);
      var covered = Math.min(box.bottom, height) - Math.max(box.top, 0);
      if (covered > 0) {
        pending[section.anchor] = (pending[section.anchor] || 0) +
          Math.min(1, covered / height) * TICK_MS / 1000;
      }
    });
    ticks += 1;
    if (ticks % FLUSH_TICKS === 0) {
      flush();
    }
  }

  /* The server credits each second of wall-clock time once ("S seconds ending at T"
   * covers [T-S, T]), so sections that shared the screen are laid end to end, after
   * the events queued before, ending about now. */
  function queuePending() {
    var queue = loadQueue();
    var due = [];
    var total = 0;
    Object.keys(pending).forEach(function (anchor) {
      var seconds = Math.min(MAX_EVENT_SECONDS, Math.floor(pending[anchor]));
      if (seconds >= 1) {
        pending[anchor] -= seconds;
        due.push({ anchor: anchor, seconds: seconds });
        total += seconds;
      }
    });
    var at = Math.max(lastEnd, Date.now() - total * 1000);
    due.forEach(function (d) {
      at += d.seconds * 1000;
      queue.push({ id: newId(), document: slug, anchor: d.anchor, seconds: d.seconds,
                   occurred_at: new Date(at).toISOString() });
    });
    lastEnd = at;
    saveQueue(queue);
  }

  function flush() {
    queuePending();
    send(false);
  }

  function forget(ids) {
    var done = new Set(ids);
    saveQueue(loadQueue().filter(function (e) { return !done.has(e.id); }));
  }

  function showProgress(summary) {
    if (!summary) {
      return;
    }
    summary.read.forEach(function (anchor) { read.add(anchor); });
    var text = panel.querySelector("[data-study-text]");
    var bar = panel.querySelector("[data-study-bar]");
    var form = panel.querySelector("[data-study-confirm]");
    if (text && summary.total) {
      text.textContent = "Đã đọc " + summary.done + "/" + summary.total + " mục (" + summary.percent + "%).";
    }
    if (bar && summary.percent !== null) {
      bar.value = summary.percent;
      bar.textContent = summary.percent + "%";
    }
    if (form && summary.done >= summary.total && !form.hasAttribute("data-quiz-pending")) {
      form.hidden = false;
    }
  }

  /* Wait longer after each failure, then try again by itself: a page that is not
   * being read (complete, idle, hidden) still delivers its queue. */
  function backoff() {
    failures += 1;
    var delay = Math.min(60000, 1000 * Math.pow(2, failures));
    retryAt = Date.now() + delay;
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(function () { send(false); }, delay + 50);
  }

  function reconnected() {
    failures = 0;
    retryAt = 0;
    send(false);
  }

  function refreshToken() {
    return fetch(endpoint, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.csrf_token) { csrf = data.csrf_token; } })
      .catch(function () { /* offline: try again later */ });
  }

  function handle(response, batch) {
    if (response.ok) {
      failures = 0;
      return response.json().then(function (data) {
        forget(data.accepted.concat(data.duplicates, data.rejected.map(function (r) { return r.id; })));
        showProgress(data.documents[slug]);
        return true;
      });
    }
    if (response.status === 401) {
      stopped = true;               // signed out: keep the events for next time
    } else if (response.status === 422 || (response.status === 400 && failures >= 3)) {
      forget(batch.map(function (e) { return e.id; }));   // never acceptable: drop
      failures = 0;
    } else if (response.status === 400 || response.status === 403) {
      backoff();                    // most likely an expired CSRF token
      return refreshToken().then(function () { return false; });
    } else {
      backoff();
    }
    return false;
  }

  function send(leaving) {
    if (sending || stopped || Date.now() < retryAt || navigator.onLine === false) {
      return;                       // offline: the "online" event sends
    }
    var batch = loadQueue().slice(0, BATCH);
    if (!batch.length) {
      return;
    }
    sending = true;
    fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      keepalive: leaving,
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ events: batch })
    }).then(function (response) {
      return handle(response, batch);
    }, function () {
      backoff();                    // network error: events stay queued
      return false;
    }).then(function (more) {
      sending = false;
      if (more && !leaving) {
        send(false);
      }
    });
  }

  function start() {
    var complete = panel.hasAttribute("data-complete");
    window.addEventListener("online", reconnected);
    if (!body || complete || !("IntersectionObserver" in window)) {
      send(false);                  // still deliver what other pages left queued
      return;
    }
    var sections = splitSections();
    var owner = sectionOf(sections);
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { visible.add(entry.target); } else { visible.delete(entry.target); }
      });
    });
    owner.forEach(function (_index, el) { observer.observe(el); });
    ["scroll", "touchstart", "keydown", "wheel", "mousemove"].forEach(function (name) {
      window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
    });
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) { flushLeaving(); } else { lastActivity = Date.now(); }
    });
    window.addEventListener("pagehide", flushLeaving);
    window.setInterval(function () { tick(sections, owner); }, TICK_MS);
    send(false);
  }

  function flushLeaving() {
    queuePending();
    retryAt = 0;
    send(true);
  }

  start();
}());
