/* Tindak Lanjut service worker, served at /sw.js by tracker/views/pwa.py with self.TL_SETTINGS first.
 *
 * - Static files of this deploy are cached at install (one cache per version; older ones go at activate).
 * - Pages are fetched from the network; the ones the server marks with the user header (My tasks and
 *   item pages) are kept, per user, as last seen, and shown when the network fails (marked as served
 *   from the cache, so the page shows its offline banner). Other pages fall back to the offline page.
 * - Nothing else is kept: API answers and every other request go straight to the network.
 * - Sign-out and a page of another user drop the kept pages (the server also sends Clear-Site-Data).
 */
'use strict';

const SETTINGS = self.TL_SETTINGS;
const STATIC_CACHE = `tl-static-${SETTINGS.version}`;
const PAGES_PREFIX = 'tl-pages-';
const MAX_KEPT_PAGES = 60;
const KEPT_AT = 'Tindak-Lanjut-Kept-At';
const FRESH_MS = 60 * 60 * 1000; // a page kept at the item's current version is fetched again after an hour
// Pages not kept yet are fetched a few per visit, in the order of My tasks (what is due first): the first
// visit on a slow line does not pay for every item at once, and each later visit adds a couple more.
const NEW_ON_FIRST_VISIT = 12;
const NEW_PER_VISIT = 2;
let keeping = Promise.resolve(); // the runs of keepPages, one at a time
let generation = 0; // raised when kept pages are dropped: a fetch that started before keeps nothing

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    await cache.addAll(SETTINGS.precache);
    // Fetched without cookies: the offline page holds nobody's data.
    const offline = await fetch(SETTINGS.offlinePage, { credentials: 'omit' });
    if (offline.ok) await cache.put(SETTINGS.offlinePage, offline);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith('tl-static-') && name !== STATIC_CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

async function forgetPages(exceptUser) {
  const keep = exceptUser ? PAGES_PREFIX + exceptUser : null;
  const names = (await caches.keys()).filter((name) => name.startsWith(PAGES_PREFIX) && name !== keep);
  if (names.length || !exceptUser) generation += 1;
  await Promise.all(names.map((name) => caches.delete(name)));
}

function pageKey(url) {
  const parsed = new URL(url, self.location.origin);
  return parsed.origin + parsed.pathname; // one copy per page, whatever its query
}

async function keepPage(url, response, startedAt) {
  const user = response.headers.get(SETTINGS.userHeader);
  if (!user || !response.ok || response.redirected || startedAt !== generation) return false;
  await forgetPages(user); // a page of this user: another user's copies go
  const cache = await caches.open(PAGES_PREFIX + user);
  const headers = new Headers(response.headers);
  headers.set(KEPT_AT, String(Date.now()));
  await cache.put(pageKey(url), new Response(await response.blob(), { status: response.status, headers }));
  return true;
}

async function stillFresh(url, version) {
  // Kept at this version of the item (the server names it in a header) within the hour: no need to fetch.
  const kept = await keptPage(url);
  if (!kept || version === null) return false;
  const age = Date.now() - Number(kept.headers.get(KEPT_AT) || 0);
  return kept.headers.get(SETTINGS.versionHeader) === version && age < FRESH_MS;
}

async function keptPage(url) {
  const names = (await caches.keys()).filter((name) => name.startsWith(PAGES_PREFIX));
  for (const name of names) {
    const found = await (await caches.open(name)).match(pageKey(url));
    if (found) return found;
  }
  return null;
}

async function markedAsCached(response) {
  // The page shows its "Offline — data as of …" banner when it knows it came from here.
  const html = (await response.text()).replace('data-served="network"', 'data-served="cache"');
  return new Response(html, { status: 200, headers: response.headers });
}

async function offlinePage() {
  const cache = await caches.open(STATIC_CACHE);
  return (await cache.match(SETTINGS.offlinePage))
    || new Response('Offline', { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

async function navigate(event) {
  const startedAt = generation;
  try {
    const response = await fetch(event.request);
    event.waitUntil(keepPage(event.request.url, response.clone(), startedAt));
    return response;
  } catch (error) {
    const kept = await keptPage(event.request.url);
    return kept ? markedAsCached(kept) : offlinePage();
  }
}

async function fromStaticCache(request) {
  const cache = await caches.open(STATIC_CACHE);
  return (await cache.match(request)) || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === 'POST' && url.pathname === SETTINGS.logout) {
    event.waitUntil(forgetPages(null));
    return;
  }
  if (request.method !== 'GET' || url.pathname.startsWith(SETTINGS.apiPrefix)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(event));
  } else if (SETTINGS.precache.includes(url.pathname + url.search)) {
    event.respondWith(fromStaticCache(request));
  }
});

async function keepPages(pages, source) {
  const startedAt = generation;
  let kept = 0;
  let budget = (await anyPageKept()) ? NEW_PER_VISIT : NEW_ON_FIRST_VISIT;
  for (const { url, version } of pages.slice(0, MAX_KEPT_PAGES)) {
    try {
      if (await stillFresh(url, version)) {
        kept += 1;
        continue;
      }
      const known = version !== null && (await keptPage(url)) !== null; // kept before, at another version
      if (!known && version !== null) {
        if (budget <= 0) continue; // a later visit keeps it
        budget -= 1;
      }
      const response = await fetch(url, { credentials: 'same-origin' });
      if (await keepPage(url, response, startedAt)) kept += 1;
    } catch (error) {
      break; // the connection went: keep what was kept
    }
  }
  if (source) source.postMessage({ type: 'kept', count: kept });
}

async function anyPageKept() {
  for (const name of (await caches.keys()).filter((cacheName) => cacheName.startsWith(PAGES_PREFIX))) {
    const requests = await (await caches.open(name)).keys();
    if (requests.some((request) => new URL(request.url).pathname !== new URL(SETTINGS.myTasks, self.location.origin).pathname)) {
      return true;
    }
  }
  return false;
}

self.addEventListener('message', (event) => {
  const message = event.data || {};
  if (message.type === 'keep' && Array.isArray(message.urls)) {
    const pages = message.urls
      .map((page) => (typeof page === 'string' ? { url: page, version: null } : page))
      .filter((page) => page && typeof page.url === 'string')
      .map((page) => ({ url: page.url, version: typeof page.version === 'string' ? page.version : null }));
    keeping = keeping.then(() => keepPages(pages, event.source)).catch(() => {}); // one visit after another
    event.waitUntil(keeping);
  } else if (message.type === 'user') {
    event.waitUntil(forgetPages(message.user ? String(message.user) : null));
  }
});
