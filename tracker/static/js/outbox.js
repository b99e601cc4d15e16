/* The outbox: changes made without a connection, kept on the phone (IndexedDB) until they are sent.
 *
 * A form marked data-queue="status|comment|progress|evidence" is queued instead of posted while offline
 * (the progress form always goes this way). An evidence file is kept as the File itself (IndexedDB
 * stores Blobs) and sent as multipart/form-data to the API's evidence route. Each queued change carries its own Idempotency-Key and the item
 * version it was made on; it is sent through the JSON API with the session's CSRF token when the
 * connection returns, so sending it twice applies it once. The member's own earlier change to the
 * same item is not a conflict (the later change moves to the version it produced); someone else's
 * is: the member sees it and decides. A session that ended asks the member to sign in first.
 */
const SENDABLE = ['waiting'];
const PROBE_MS = 8000; // a connection that answers nothing in this time counts as none
const RETRY_MS = 5000; // waiting changes are tried again this often (the online event is not reliable)

export function startOutbox(settings, idb) {
  const store = idb.createStore('tindak-lanjut', 'outbox');
  const texts = settings.texts;
  const panel = document.getElementById('outbox');
  const list = document.getElementById('outbox-list');
  const statusLine = document.getElementById('outbox-status');

  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (match, name) => String(values[name] ?? match));
  const records = async () => (await idb.values(store)).sort((a, b) => a.created - b.created);
  const withLock = (work) => (navigator.locks ? navigator.locks.request('tl-outbox', work) : work());

  function say(text, link) {
    statusLine.replaceChildren(text);
    if (link) {
      const anchor = document.createElement('a');
      anchor.href = link.href;
      anchor.textContent = link.text;
      statusLine.append(' ', anchor);
    }
    panel.hidden = false;
  }

  function button(text, action, style = 'btn-outline-secondary') {
    const element = document.createElement('button');
    element.type = 'button';
    element.className = `btn btn-sm ${style} me-1 mt-1`;
    element.textContent = text;
    element.addEventListener('click', action);
    return element;
  }

  function entry(record) {
    const item = document.createElement('li');
    item.className = 'outbox-entry border-top py-1';
    item.dataset.state = record.state;
    item.dataset.kind = record.kind;
    const title = document.createElement('strong');
    title.textContent = record.code;
    item.append(title, ` · ${record.summary}`);
    const note = document.createElement('div');
    note.className = 'small';
    if (record.state === 'conflict') {
      const status = texts.statuses[record.detail.status] || record.detail.status;
      note.textContent = fill(texts.conflict, { status });
      item.append(note, button(texts.send_anyway, () => sendAnyway(record), 'btn-primary'),
        button(texts.discard, () => discard(record)));
    } else if (record.state === 'refused') {
      note.textContent = fill(texts.refused, { message: record.detail.message });
      item.append(note, button(texts.discard, () => discard(record)));
    } else {
      note.textContent = texts.waiting;
      item.append(note);
    }
    if (record.state !== 'waiting' && record.page) {
      const link = document.createElement('a');
      link.href = record.page;
      link.className = 'btn btn-sm btn-link mt-1';
      link.textContent = texts.open_item;
      item.append(link);
    }
    return item;
  }

  async function render() {
    const all = await records();
    list.replaceChildren(...all.map(entry));
    panel.hidden = all.length === 0 && !statusLine.textContent;
    document.documentElement.dataset.outbox = String(all.length);
  }

  function recordFrom(form) {
    const data = new FormData(form);
    const kind = form.dataset.queue;
    const version = Number.parseInt(data.get('version'), 10);
    const base = { key: crypto.randomUUID(), user: settings.user, item: Number(form.dataset.item),
      code: form.dataset.code, page: form.dataset.page || null, url: form.dataset.api, kind,
      created: Date.now(), state: 'waiting', detail: null };
    if (kind === 'status') {
      const status = data.get('status');
      return { ...base, method: 'POST', summary: fill(texts.kind_status, { status: texts.statuses[status] || status }),
        body: { status, version, note: data.get('note') || null, evidence_url: data.get('evidence_url') || null } };
    }
    if (kind === 'evidence') {
      const file = data.get('file');
      if (!(file instanceof File) || !file.size) return null;
      const note = (data.get('note') || '').trim() || null;
      return { ...base, method: 'POST', summary: fill(texts.kind_evidence, { name: file.name }), body: { note },
        file, fileName: file.name };
    }
    if (kind === 'comment') {
      const text = (data.get('body') || '').trim();
      if (!text) return null;
      const short = text.length > 60 ? `${text.slice(0, 59)}…` : text;
      return { ...base, method: 'POST', summary: fill(texts.kind_comment, { text: short }), body: { body: text } };
    }
    const progress = Number.parseInt(data.get('progress'), 10);
    if (!form.reportValidity() || Number.isNaN(progress)) return null;
    return { ...base, method: 'PATCH', summary: fill(texts.kind_progress, { progress }), body: { version, progress } };
  }

  function connection(online) {
    // navigator.onLine says "online" on a network without internet: what a request finds is shown.
    document.documentElement.dataset.connection = online ? 'online' : 'offline';
    document.dispatchEvent(new Event('tl-connection'));
  }

  async function session() {
    if (!navigator.onLine) {
      connection(false);
      return null;
    }
    try {
      const response = await fetch(settings.session, { credentials: 'same-origin', cache: 'no-store',
        headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(PROBE_MS) });
      connection(true);
      const json = response.ok && (response.headers.get('Content-Type') || '').includes('json');
      return json ? await response.json() : 'signin';
    } catch (error) {
      connection(false);
      return null; // no connection after all
    }
  }

  async function rebase(sent, answer) {
    // The member's later changes to this item were made on the version this change started from.
    if (typeof answer.version !== 'number' || typeof sent.body.version !== 'number') return;
    for (const record of await records()) {
      if (record.item === sent.item && record.key !== sent.key && record.body.version === sent.body.version) {
        record.body.version = answer.version;
        await idb.set(record.key, record, store);
      }
    }
    document.querySelectorAll(`form[data-item="${sent.item}"] input[name="version"]`).forEach((input) => {
      if (Number(input.value) === sent.body.version) input.value = String(answer.version);
    });
  }

  function requestBody(record) {
    // A file goes as multipart/form-data (the browser writes its Content-Type); everything else as JSON.
    if (!record.file) return { body: JSON.stringify(record.body), type: { 'Content-Type': 'application/json' } };
    const form = new FormData();
    form.append('file', record.file, record.fileName);
    if (record.body.note) form.append('note', record.body.note);
    return { body: form, type: {} };
  }

  async function send(record, csrfToken) {
    let response;
    const { body, type } = requestBody(record);
    try {
      response = await fetch(record.url, {
        method: record.method, credentials: 'same-origin', body,
        headers: { ...type, Accept: 'application/json', 'X-CSRFToken': csrfToken, 'Idempotency-Key': record.key },
      });
    } catch (error) {
      return 'offline';
    }
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      await rebase(record, answer);
      await idb.del(record.key, store);
      return 'sent';
    }
    if (response.status === 401) return 'signin';
    if (response.status >= 500) return 'offline'; // try again later
    if (response.status === 409 && answer.item) {
      record.state = 'conflict';
      record.detail = { status: answer.item.status, version: answer.item.version };
    } else {
      record.state = 'refused';
      record.detail = { message: (answer.error && answer.error.message) || String(response.status) };
    }
    await idb.set(record.key, record, store);
    return 'refused';
  }

  async function sendAll() {
    const waiting = (await records()).filter((record) => SENDABLE.includes(record.state));
    if (!waiting.length) return 0;
    const current = await session();
    if (current === null) return 0;
    if (current === 'signin' || current.user !== settings.user) return -1;
    let sent = 0;
    for (const record of waiting) {
      const fresh = await idb.get(record.key, store); // rebased by an earlier send, or gone
      if (!fresh || !SENDABLE.includes(fresh.state)) continue;
      say(texts.sending);
      const outcome = await send(fresh, current.csrf_token);
      if (outcome === 'offline') break;
      if (outcome === 'signin') return -1;
      if (outcome === 'sent') sent += 1;
    }
    return sent;
  }

  async function flush({ reload = false } = {}) {
    const sent = await withLock(sendAll);
    if (sent < 0) {
      const next = window.location.pathname + window.location.search;
      say(texts.signin, { href: `${settings.login}?next=${encodeURIComponent(next)}`, text: texts.signin_link });
    } else if (sent > 0) {
      if (reload && (await records()).length === 0) {
        window.location.reload();
        return;
      }
      say(fill(texts.sent, { count: sent }), { href: window.location.href, text: texts.reload });
    } else if (statusLine.textContent === texts.sending) {
      statusLine.textContent = '';
    }
    await render();
  }

  async function sendAnyway(record) {
    // A new request on the current version, so a new key (the old one names the first request).
    const again = { ...record, key: crypto.randomUUID(), state: 'waiting', detail: null,
      body: { ...record.body, version: record.detail.version } };
    await idb.del(record.key, store);
    await idb.set(again.key, again, store);
    await render();
    await flush();
  }

  async function discard(record) {
    await idb.del(record.key, store);
    await render();
  }

  async function queue(event) {
    const form = event.currentTarget;
    event.preventDefault();
    if (form.dataset.busy) return; // a second tap while the first is on its way
    form.dataset.busy = '1';
    if (form.dataset.queue !== 'progress' && (await session()) !== null) {
      form.submit(); // a connection: the ordinary post, with the web page's own answers
      return;
    }
    delete form.dataset.busy;
    const record = recordFrom(form);
    if (!record) return;
    await idb.set(record.key, record, store);
    if (record.kind === 'comment' || record.kind === 'evidence') form.reset();
    say(texts.queued);
    await render();
    await flush({ reload: record.kind === 'progress' });
  }

  function refuseOffline(event) {
    const form = event.target;
    if (navigator.onLine && document.documentElement.dataset.connection !== 'offline') return;
    if (form.dataset.queue || form.method.toLowerCase() !== 'post' || 'logout' in form.dataset) {
      return;
    }
    event.preventDefault();
    say(texts.offline_form);
  }

  async function signOut(event) {
    const form = event.currentTarget;
    event.preventDefault();
    const waiting = (await records()).length;
    if (waiting && !window.confirm(fill(texts.logout_pending, { count: waiting }))) return;
    // Nothing behind the sign-in stays on the phone (the server's Clear-Site-Data says so too).
    await idb.clear(store);
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith('tl-pages-')).map((name) => caches.delete(name)));
    form.submit();
  }

  async function start() {
    for (const record of await records()) {
      if (record.user !== settings.user) await idb.del(record.key, store); // another user's: never sent as us
    }
    document.querySelectorAll('form[data-queue]').forEach((form) => form.addEventListener('submit', queue));
    document.querySelectorAll('form[data-logout]').forEach((form) => form.addEventListener('submit', signOut));
    document.addEventListener('submit', refuseOffline);
    document.getElementById('outbox-send').addEventListener('click', () => flush());
    window.addEventListener('online', () => flush());
    window.setInterval(() => flush(), RETRY_MS);
    await render();
    document.documentElement.dataset.outboxReady = '1';
    await flush();
  }

  start();
}
