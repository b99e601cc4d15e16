/* The board (papan): drag a card to another column, or use its Move button, to change its status.
 *
 * Every move is sent to the JSON API's status route with the card's version and the CSRF token, so
 * the workflow decides: a move it refuses comes back with its reason and the card returns to its
 * column; a move to blocked, cancelled or done (or back to work from done) asks for the note first;
 * a card someone else changed meanwhile gets the conflict message. SortableJS (vendored) drags.
 */
const settings = JSON.parse(document.getElementById('board-settings').textContent);
const texts = settings.texts;
const board = document.getElementById('board');
const message = document.getElementById('board-message');
const dialog = document.getElementById('board-dialog');
const form = dialog.querySelector('form');
const dialogError = document.getElementById('board-dialog-error');
let pending = null; // the card the dialog is about, and where it came from

const fill = (text, values) => text.replace(/\{(\w+)\}/g, (match, name) => String(values[name] ?? match));
const column = (status) => board.querySelector(`.board-cards[data-status="${status}"]`);
const movesOf = (card) => card.dataset.moves.split(' ').filter(Boolean);
const label = (status) => texts.statuses[status] || status;

function say(text, kind) {
  message.textContent = text;
  message.className = `alert alert-${kind}`;
}

function needsNote(card, target) {
  return settings.needsNote.includes(target)
    || (target === settings.reopen && settings.completed.includes(card.dataset.status));
}

function putBack(card, origin) {
  if (origin) origin.from.insertBefore(card, origin.next && origin.next.parentNode === origin.from ? origin.next : null);
}

function bump(status, step) {
  const badge = board.querySelector(`.board-count[data-status="${status}"]`);
  if (badge) badge.textContent = String(Number(badge.textContent) + step);
}

function showProgress(card, progress) {
  const bar = card.querySelector('.progress');
  if (!bar || typeof progress !== 'number') return;
  bar.setAttribute('aria-valuenow', String(progress));
  bar.firstElementChild.className = `progress-bar progress-${Math.floor(progress / 10) * 10}`;
  bar.nextElementSibling.textContent = `${progress}%`;
}

function placed(card, answer) {
  const old = card.dataset.status;
  const moves = answer.allowed_statuses || [];
  Object.assign(card.dataset, { status: answer.status, version: String(answer.version), moves: moves.join(' ') });
  card.classList.toggle('board-movable', moves.length > 0);
  const button = card.querySelector('.board-move');
  if (button) button.hidden = moves.length === 0;
  showProgress(card, answer.progress);
  const target = column(answer.status);
  if (!target) card.remove(); // a status the filter does not show
  else if (card.parentNode !== target) target.prepend(card);
  bump(old, -1);
  bump(answer.status, 1);
  say(fill(texts.moved, { code: card.dataset.code, status: label(answer.status) }), 'success');
  if (button && !button.hidden) button.focus();
}

async function move(card, target, note = null, evidence = null) {
  card.classList.add('board-busy');
  say(fill(texts.moving, { code: card.dataset.code }), 'info');
  let response;
  try {
    response = await fetch(settings.api.replace('{id}', card.dataset.item), {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': settings.csrf },
      body: JSON.stringify({ status: target, version: Number(card.dataset.version), note, evidence_url: evidence }),
    });
  } catch (error) {
    return { kind: 'offline' };
  } finally {
    card.classList.remove('board-busy');
  }
  const answer = await response.json().catch(() => ({}));
  if (response.ok) return { kind: 'moved', answer };
  if (response.status === 409 && answer.item) return { kind: 'conflict', item: answer.item };
  const refusal = answer.error || {};
  return { kind: 'refused', status: response.status, message: refusal.message || String(response.status),
    fields: refusal.fields || {} };
}

function finish(card, origin, outcome) {
  const code = card.dataset.code;
  if (outcome.kind === 'moved') {
    placed(card, outcome.answer);
    return;
  }
  putBack(card, origin);
  if (outcome.kind === 'conflict') say(fill(texts.conflict, { code, status: label(outcome.item.status) }), 'warning');
  else if (outcome.kind === 'offline') say(fill(texts.offline, { code }), 'warning');
  else if (outcome.status === 401) say(fill(texts.signin, { code }), 'warning');
  else say(fill(texts.refused, { code, message: outcome.message }), 'danger');
}

function openDialog(card, target, origin) {
  pending = { card, origin };
  form.reset();
  dialogError.classList.add('d-none');
  document.getElementById('board-dialog-title').textContent = fill(texts.dialog_title, { code: card.dataset.code });
  const moves = movesOf(card);
  form.elements.status.replaceChildren(...moves.map((status) => new Option(label(status), status)));
  form.elements.status.value = target || moves[0];
  dialog.showModal();
  (target ? form.elements.note : form.elements.status).focus();
}

function closeDialog(restore) {
  const current = pending;
  pending = null;
  if (dialog.open) dialog.close();
  if (restore && current) putBack(current.card, current.origin);
  return current;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!pending) return;
  if (event.submitter && event.submitter.value === 'cancel') {
    closeDialog(true);
    return;
  }
  const { card, origin } = pending;
  const values = new FormData(form);
  const outcome = await move(card, values.get('status'), (values.get('note') || '').trim() || null,
    (values.get('evidence_url') || '').trim() || null);
  if (outcome.kind === 'refused' && outcome.status === 422) {
    dialogError.textContent = outcome.message + Object.values(outcome.fields).filter((text) => text !== outcome.message)
      .map((text) => ` ${text}`).join('');
    dialogError.classList.remove('d-none');
    message.className = 'alert d-none';
    return; // the user adds what is missing, or cancels
  }
  closeDialog(false);
  finish(card, origin, outcome);
});
dialog.addEventListener('cancel', () => closeDialog(true)); // Escape

async function dropped(event) {
  const card = event.item;
  const origin = { from: event.from, next: card.dataset.next ? board.querySelector(`[data-item="${card.dataset.next}"]`) : null };
  if (event.from === event.to) return;
  const target = event.to.dataset.status;
  if (movesOf(card).includes(target) && needsNote(card, target)) {
    openDialog(card, target, origin);
    return;
  }
  finish(card, origin, await move(card, target)); // not allowed: the workflow says why
}

board.querySelectorAll('.board-cards').forEach((list) => {
  window.Sortable.create(list, {
    group: 'board', sort: false, draggable: '.board-movable', filter: 'a, button', preventOnFilter: false,
    forceFallback: true, fallbackOnBody: true, ghostClass: 'board-ghost', delay: 150, delayOnTouchOnly: true,
    onChoose: (event) => { event.item.dataset.next = event.item.nextElementSibling?.dataset.item || ''; },
    onEnd: dropped,
  });
});
board.addEventListener('click', (event) => {
  const button = event.target.closest('.board-move');
  if (button) openDialog(button.closest('.board-card'), null, null);
});
document.documentElement.dataset.boardReady = '1';
