/* Service worker of Sổ tay Đảng viên: documents readable without a network.
 *
 * Served from /sw.js (scope "/") with VERSION and PRECACHE filled in by the
 * server (handbook/offline/pwa.py): a deploy that changes a precached file changes
 * this script, so browsers install the new worker with a new static cache, and
 * the old cache is deleted on activation.
 *
 * What is stored, and where:
 * - STATIC (versioned): the stylesheet, scripts, icons and the offline page,
 *   cache-first; other static files join it when first fetched. The
 *   offline page is fetched without cookies: it is the same for everyone.
 * - PAGES: document pages (/van-ban/<slug>) only, with META describing them:
 *   the signed-in member's campaign documents from the keep-list, refreshed when
 *   their version changes, and any document the member opened (network-first:
 *   the network when it answers, this copy when it does not).
 * Nothing else is ever stored: no other page, no JSON, no non-GET request.
 *
 * Document pages belong to the member who opened them, so PAGES is deleted when
 * the member logs out (the POST to /dang-xuat passes through here), when a page
 * is rendered for a signed-out visitor (offline.js sends "clear"), when the
 * keep-list answers 401, and when it names another member. */
"use strict";

const VERSION = "__HANDBOOK_WORKER_VERSION__";
const STATIC = "handbook-static-" + VERSION;
const PAGES = "handbook-pages-v1";
const OFFLINE_URL = "/ngoai-tuyen";
const KEEP_URL = "/ngoai-tuyen/van-ban.json";
const LOGOUT_PATH = "/dang-xuat";
const META_URL = "/ngoai-tuyen/.trang-thai";   // never a route: the worker's own record
const PRECACHE = ["__HANDBOOK_PRECACHE__"];     // the server puts the current URLs here
const DOCUMENT = /^\/van-ban\/[^/]+$/;
const STATIC_PATH = /^\/static\//;
const SYNC_EVERY_MS = 60 * 1000;   // keep-list asked at most this often unless forced
const MAX_OPENED = 50;             // opened documents kept beyond the keep-list

let generation = 0;                // moves on every clear: late writes are dropped
let lastSync = 0;
let syncing = null;
let metaChain = Promise.resolve();

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => Promise.all([
    cache.addAll(PRECACHE),
    fetch(OFFLINE_URL, { credentials: "omit" }).then((response) => {
      if (!response.ok) { throw new Error("offline page: " + response.status); }
      return cache.put(OFFLINE_URL, response);
    })
  ])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names
      .filter((name) => name.startsWith("handbook-") && name !== STATIC && name !== PAGES)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim())
    .then(() => { sync(true); }));   // not awaited: fetches must not wait for it
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "clear") {
    event.waitUntil(clearPages());
  } else if (data.type === "sync") {
    event.waitUntil(sync(Boolean(data.force)).then(() => keepOpened(data.page)));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method !== "GET") {
    if (request.mode === "navigate" && url.pathname === LOGOUT_PATH) {
      event.waitUntil(clearPages());   // the network does the logout itself
    }
    return;
  }
  if (STATIC_PATH.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" && DOCUMENT.test(url.pathname)) {
    event.respondWith(networkFirst(event, pageKey(url)));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});

function pageKey(url) {
  return new URL(url.pathname, self.location.origin).href;
}

/* Static URLs carry their file's fingerprint (?v=), so a stored answer never goes
 * stale. Offline, a page kept from an earlier deploy asks for older fingerprints:
 * it gets the current file of the same name. */
async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: STATIC });
  if (cached) {
    return cached;
  }
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return (await caches.match(request, { cacheName: STATIC, ignoreSearch: true })) ||
      Response.error();
  }
  if (response.status === 200 && response.type === "basic") {
    const copy = response.clone();
    caches.open(STATIC).then((cache) => cache.put(request, copy));
  }
  return response;
}

function storable(response) {
  return response.status === 200 && response.type === "basic" && !response.redirected;
}

async function networkFirst(event, key) {
  const gen = generation;
  let response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    return (await cachedPage(key)) || offlinePage();
  }
  if (storable(response)) {
    const copy = response.clone();
    event.waitUntil(withMeta(async (meta, cache) => {
      if (gen === generation) {
        await cache.put(key, copy);
        meta.opened[key] = Date.now();
        await forgetOldest(meta, cache);
      }
    }));
    return response;
  }
  // A server error while a copy is kept: the copy reads better than an error page.
  return (response.status >= 500 && (await cachedPage(key))) || response;
}

function cachedPage(key) {
  return caches.open(PAGES).then((cache) => cache.match(key, { ignoreVary: true }));
}

async function offlinePage() {
  return (await caches.match(OFFLINE_URL, { cacheName: STATIC })) || Response.error();
}

/* META: { user, kept: {url: version}, opened: {url: time} }, read and written one
 * change at a time (the chain), and never after a clear that happened meanwhile. */
function withMeta(change) {
  const gen = generation;
  const run = metaChain.then(async () => {
    const cache = await caches.open(PAGES);
    const stored = await cache.match(META_URL);
    const meta = stored ? await stored.json() : { user: null, kept: {}, opened: {} };
    const result = await change(meta, cache);
    if (gen === generation) {
      await cache.put(META_URL, new Response(JSON.stringify(meta),
        { headers: { "Content-Type": "application/json" } }));
    }
    return result;
  });
  metaChain = run.catch(() => undefined);
  return run;
}

async function forgetOldest(meta, cache) {
  const opened = Object.keys(meta.opened).sort((a, b) => meta.opened[a] - meta.opened[b]);
  for (const url of opened.slice(0, Math.max(0, opened.length - MAX_OPENED))) {
    delete meta.opened[url];
    if (!(url in meta.kept)) {
      await cache.delete(url);
    }
  }
}

function clearPages() {
  generation += 1;
  lastSync = 0;
  return caches.keys().then((names) => Promise.all(names
    .filter((name) => name.startsWith("handbook-pages"))
    .map((name) => caches.delete(name))));
}

/* Ask the server which documents to keep, then fetch those new or changed. */
function sync(force) {
  if (syncing || (!force && Date.now() - lastSync < SYNC_EVERY_MS)) {
    return syncing || Promise.resolve();
  }
  syncing = fetch(KEEP_URL, { credentials: "same-origin", cache: "no-store",
                              headers: { Accept: "application/json" } })
    .then((response) => {
      if (response.status === 401) {
        return clearPages();           // nobody is signed in on this device
      }
      if (!response.ok || response.redirected) {
        return undefined;
      }
      lastSync = Date.now();
      return response.json().then(keepListed);
    })
    .catch(() => undefined)            // offline: keep what is stored
    .then(() => { syncing = null; });
  return syncing;
}

async function keepListed(list) {
  const stored = await caches.open(PAGES).then((cache) => cache.match(META_URL));
  const owner = stored ? (await stored.json()).user : null;
  if (owner !== null && owner !== list.user) {
    await clearPages();                // another member's pages: never shown to this one
  }
  const gen = generation;
  await withMeta(async (meta, cache) => {
    meta.user = list.user;
    const listed = {};
    for (const doc of list.documents) {
      const key = pageKey(new URL(doc.url, self.location.origin));
      listed[key] = true;
      if (meta.kept[key] === doc.version && await cache.match(key, { ignoreVary: true })) {
        continue;
      }
      const response = await fetch(key, { credentials: "same-origin" }).catch(() => null);
      if (response && storable(response) && gen === generation) {
        await cache.put(key, response);
        meta.kept[key] = doc.version;
      }
    }
    for (const key of Object.keys(meta.kept).filter((k) => !listed[k])) {
      delete meta.kept[key];
      if (!(key in meta.opened)) {
        await cache.delete(key);
      }
    }
  });
}

/* A document page loaded before this worker controlled it was not seen by fetch. */
async function keepOpened(path) {
  if (typeof path !== "string" || !DOCUMENT.test(path)) {
    return;
  }
  const key = pageKey(new URL(path, self.location.origin));
  if (await cachedPage(key)) {
    return;
  }
  const gen = generation;
  const response = await fetch(key, { credentials: "same-origin" }).catch(() => null);
  if (response && storable(response)) {
    await withMeta(async (meta, cache) => {
      if (gen === generation) {
        await cache.put(key, response);
        meta.opened[key] = Date.now();
      }
    });
  }
}
