/* Offline support on every page (loaded as a module from base.html; settings from #offline-settings).
 *
 * Registers the service worker, shows "Offline — data as of …" when the page is read without a
 * connection, asks the worker to keep My tasks and its items for offline reading, and starts the
 * outbox (outbox.js) that queues changes made offline. Module URLs come from the server, versioned.
 */
const settings = JSON.parse(document.getElementById('offline-settings').textContent);
const root = document.documentElement;
const banner = document.getElementById('offline-banner');

function showBanner() {
  const offline = !navigator.onLine || root.dataset.connection === 'offline';
  banner.hidden = !offline && root.dataset.served !== 'cache';
}

async function worker() {
  if (!('serviceWorker' in navigator)) return null;
  try {
    await navigator.serviceWorker.register(settings.serviceWorker, { scope: '/' });
  } catch (error) {
    return null; // no service worker (e.g. a private window): the app works online as before
  }
  const registration = await navigator.serviceWorker.ready;
  return registration.active;
}

function pagesToKeep() {
  // My tasks marks itself and the links of its items (with the version each item is at): the worker
  // fetches only the pages it does not hold at that version, or holds for longer than an hour.
  if (!document.querySelector('[data-keep-offline-page]')) return null;
  const links = [...document.querySelectorAll('a[data-keep-offline]')]
    .map((link) => ({ url: link.href, version: link.dataset.version || null }));
  // This page itself was kept as it loaded, unless no worker was in charge of it yet (a first visit).
  return navigator.serviceWorker.controller ? links : [{ url: window.location.href, version: null }, ...links];
}

async function startWorker() {
  navigator.serviceWorker?.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'kept') root.dataset.offlineKept = String(event.data.count);
  });
  navigator.serviceWorker?.startMessages();
  const active = await worker();
  if (!active) return;
  root.dataset.serviceWorker = 'ready';
  // Pages kept for someone else (or for nobody, on the sign-in page) are dropped; the offline page
  // stands in for a page that could not be fetched and knows nobody.
  if (!document.querySelector('[data-offline-fallback]')) active.postMessage({ type: 'user', user: settings.user });
  const urls = settings.user && root.dataset.served !== 'cache' && navigator.onLine ? pagesToKeep() : null;
  if (urls) active.postMessage({ type: 'keep', urls }); // the worker answers with how many it holds
}

showBanner();
window.addEventListener('online', showBanner);
window.addEventListener('offline', showBanner);
document.addEventListener('tl-connection', showBanner); // outbox.js found the connection there or gone
document.querySelectorAll('[data-needs-script]').forEach((element) => { element.hidden = false; });
startWorker();
if (settings.user) {
  const [{ startOutbox }, idb] = await Promise.all([import(settings.modules.outbox),
    import(settings.modules.idbKeyval)]);
  startOutbox(settings, idb);
}
