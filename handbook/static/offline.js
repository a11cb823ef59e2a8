/* Offline reading, the page's side (the worker is static/sw.js).
 *
 * data-session on this script says for whom the page was rendered:
 * - "member": register the worker and ask it to refresh the documents this
 *   member keeps (again, forced, whenever the connection returns);
 * - "anonymous": nobody is signed in, so no member's page may stay on this
 *   device: delete the page caches and tell the worker;
 * - "offline": the offline page, which lists the documents kept on this device.
 * Without JavaScript or service workers every page still works online. */
(function () {
  "use strict";

  var PAGES_PREFIX = "handbook-pages";
  var script = document.currentScript;
  var session = script ? script.dataset.session : "";
  if (!("serviceWorker" in navigator) || !window.caches) {
    return;
  }

  function pageCaches() {
    return caches.keys().then(function (names) {
      return names.filter(function (name) { return name.indexOf(PAGES_PREFIX) === 0; });
    });
  }

  function clearPages() {
    return pageCaches().then(function (names) {
      return Promise.all(names.map(function (name) { return caches.delete(name); }));
    });
  }

  function tell(message) {
    return navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) {
        registration.active.postMessage(message);
      }
    });
  }

  function register() {
    return navigator.serviceWorker.register(script.dataset.worker, { scope: "/" })
      .catch(function () { /* no worker: the site works online as before */ });
  }

  function sync(force) {
    tell({ type: "sync", force: force, page: location.pathname });
  }

  /* The offline page: one link per document page kept, titled from the page itself. */
  function describe(cache, request) {
    return cache.match(request, { ignoreVary: true })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var title = page.querySelector("h1");
        var kind = page.querySelector(".doc-kind");
        return { url: new URL(request.url).pathname, title: title ? title.textContent : request.url,
                 kind: kind ? kind.textContent : "" };
      });
  }

  function keptDocuments() {
    return pageCaches().then(function (names) {
      return Promise.all(names.map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.filter(function (request) {
              return new URL(request.url).pathname.indexOf("/van-ban/") === 0;
            }).map(function (request) { return describe(cache, request); }));
          });
        });
      }));
    }).then(function (groups) { return [].concat.apply([], groups); });
  }

  function item(doc) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    var kind = document.createElement("span");
    var title = document.createElement("span");
    li.className = "doc-card";
    link.href = doc.url;
    kind.className = "doc-kind";
    kind.textContent = doc.kind;
    title.className = "doc-title";
    title.textContent = doc.title;
    link.appendChild(kind);
    link.appendChild(title);
    li.appendChild(link);
    return li;
  }

  function listKept(list) {
    keptDocuments().then(function (docs) {
      docs.sort(function (a, b) { return a.title.localeCompare(b.title, "vi"); });
      docs.forEach(function (doc) { list.appendChild(item(doc)); });
      if (!docs.length) {
        var empty = document.createElement("li");
        empty.className = "muted";
        empty.textContent = list.dataset.empty;
        list.appendChild(empty);
      }
    });
  }

  function whenIdle(task) {
    var idle = window.requestIdleCallback || function (fn) { setTimeout(fn, 1000); };
    var soon = function () { idle(task, { timeout: 2000 }); };
    if (document.readyState === "complete") { soon(); }
    else { window.addEventListener("load", soon, { once: true }); }
  }

  if (session === "anonymous") {
    tell({ type: "clear" });
    clearPages();
    register();
  } else if (session === "member") {
    // The refresh downloads the member's campaign documents: only once the page is
    // loaded and the browser idle, so on a weak link it never competes with the page.
    register().then(function () { whenIdle(function () { sync(false); }); });
    window.addEventListener("online", function () { sync(true); });
  } else if (session === "offline") {
    var list = document.getElementById("van-ban-ngoai-tuyen");
    if (list) {
      listKept(list);
    }
  }
}());
