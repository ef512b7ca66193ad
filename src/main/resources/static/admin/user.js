// One user: totals, standing (ratio policy, strikes), account flags, class, seed points (and spending them),
// hit-and-runs, torrent history and events.
import {
  cell, el, fillTable, formatCount, formatDuration, formatNumber, formatRatio, getJson, markLoaded, navTasks, param,
  postJson, query, reportError, runAll, setBytes, setCount, setText, setTime, timeEl, yesNo,
} from './api.js';

const HISTORY_SIZE = 50;
const id = param('id', /^\d+$/);
let historyPage = 0;

/** "yes"/"no" in the data-field element; the reason beside it, shown only when there is one. */
function setYesNo(name, flag, reasonField, reason) {
  setText(name, yesNo(flag));
  if (reasonField) {
    const node = setText(reasonField, reason || '');
    node.hidden = !reason;
  }
}

function renderUser(u) {
  const standing = u.standing || {};
  setText('name', u.name);
  document.title = `${u.name} · Swarmkeeper admin`;
  setCount('id', u.id);
  setTime('createdAt', u.createdAt);
  for (const name of ['uploaded', 'downloaded', 'rawUploaded', 'rawDownloaded', 'withheldUploaded']) setBytes(name, u[name]);
  setText('ratio', formatRatio(u.ratio, u.downloaded));
  setText('requiredRatio', formatNumber(standing.requiredRatio, 2));
  setText('seedingShare', standing.seedingShare === null || standing.seedingShare === undefined
    ? '—' : `${(standing.seedingShare * 100).toFixed(1)}%`).dataset.value = standing.seedingShare ?? '';
  for (const name of ['activeSeeding', 'activeLeeching', 'freeleechTokens']) setCount(name, u[name]);
  setCount('activeStrikes', standing.activeStrikes);
  setCount('strikeLimit', standing.strikeLimit);
  setYesNo('leechingAllowed', standing.leechingAllowed, 'leechingDeniedBecause', standing.leechingDeniedBecause);
  setYesNo('ratioRevoked', standing.ratioRevoked);
  setTime('evaluatedAt', standing.evaluatedAt);

  const watch = standing.ratioWatch;
  const onWatch = document.querySelector('[data-field="onWatch"]');
  onWatch.replaceChildren(...(watch ? ['yes until ', timeEl(watch.endsAt)] : ['no']));
  document.getElementById('watch-started-row').hidden = !watch;
  setTime('ratioWatch.startedAt', watch?.startedAt);
  setBytes('ratioWatch.downloadedAtStart', watch?.downloadedAtStart);

  setYesNo('enabled', u.enabled, 'disabledReason', u.enabled ? null : u.disabledReason);
  setYesNo('canLeech', u.canLeech);
  setYesNo('immune', u.immune);
  setTime('personalFreeleechUntil', u.personalFreeleechUntil);
}

function renderHitAndRuns(u) {
  fillTable(document.getElementById('hit-and-runs'), u.standing?.hitAndRuns || [],
    (h) => el('tr', { 'data-torrent-id': h.torrentId },
      cell.link('torrent', `/admin/torrent.html?hash=${h.infoHash}`, h.torrent),
      cell.text('state', h.state),
      cell.time('deadline', h.deadline),
      cell.time('prewarnedAt', h.prewarnedAt),
      cell.time('struckAt', h.struckAt),
      cell.time('expiresAt', h.expiresAt),
      cell.time('resolvedAt', h.resolvedAt)), 'No hit-and-runs.');
}

async function loadUser() {
  const user = await getJson(`/api/users/${id}`);
  renderUser(user);
  renderHitAndRuns(user);
}

async function loadHistory() {
  const page = await getJson(`/api/users/${id}/history?${query({ page: historyPage, size: HISTORY_SIZE })}`);
  setCount('history.totalItems', page.totalItems);
  fillTable(document.getElementById('history'), page.items, (h) => el('tr', { 'data-infohash': h.infoHash },
    cell.link('name', `/admin/torrent.html?hash=${h.infoHash}`, h.name),
    cell.bytes('uploaded', h.uploaded),
    cell.bytes('downloaded', h.downloaded),
    cell.bytes('rawUploaded', h.rawUploaded),
    cell.bytes('rawDownloaded', h.rawDownloaded),
    cell.bytes('withheldUploaded', h.withheldUploaded),
    el('td', { class: 'num', 'data-field': 'seedTimeSeconds', 'data-value': h.seedTimeSeconds },
      formatDuration(h.seedTimeSeconds)),
    el('td', { class: 'num', 'data-field': 'leechTimeSeconds', 'data-value': h.leechTimeSeconds },
      formatDuration(h.leechTimeSeconds)),
    cell.time('completedAt', h.completedAt),
    cell.time('firstSeen', h.firstSeen),
    cell.time('lastSeen', h.lastSeen)), 'No torrent history.');
  const pager = document.querySelector('.pager');
  pager.hidden = page.totalPages <= 1;
  document.getElementById('history-page').textContent = formatCount(page.page + 1);
  document.getElementById('history-pages').textContent = formatCount(page.totalPages);
  document.getElementById('history-prev').disabled = page.page <= 0;
  document.getElementById('history-next').disabled = page.page + 1 >= page.totalPages;
}

async function loadClass() {
  const c = await getJson(`/api/users/${id}/class`);
  setText('class.userClass', c.userClass);
  document.querySelector('[data-field="class.pinned"]').hidden = !c.pinned;
  setCount('class.slotsInUse', c.slotsInUse);
  setText('class.downloadSlots', c.downloadSlots === 0 ? 'no limit' : formatCount(c.downloadSlots));
  setText('class.nextClass', c.nextClass || 'none: the top class');
  fillTable(document.getElementById('requirements'), c.requirements, (r) => el('tr', { 'data-requirement': r.name },
    cell.text('name', r.name),
    cell.text('required', r.required),
    cell.text('actual', r.actual),
    cell.text('met', yesNo(r.met))), 'No class above this one.');
}

async function loadPoints() {
  const p = await getJson(`/api/users/${id}/points`);
  setText('points.balance', formatNumber(Number(p.balance), 2)).dataset.value = p.balance;
  fillTable(document.getElementById('earned'), p.earnedBy, (e) => el('tr', { 'data-torrent-id': e.torrentId },
    cell.text('name', e.name),
    el('td', { class: 'num', 'data-field': 'points', 'data-value': e.points }, formatNumber(Number(e.points), 2)),
    el('td', { class: 'num', 'data-field': 'seedTime' }, formatDuration(Math.floor(e.seedTimeMillis / 1000)))),
  'No points earned yet.');
  fillTable(document.getElementById('spends'), p.spends, (s) => el('tr', { 'data-spend-id': s.id },
    cell.time('spentAt', s.spentAt),
    cell.text('item', s.item),
    cell.count('quantity', s.quantity),
    el('td', { class: 'num', 'data-field': 'price' }, formatNumber(Number(s.price), 2)),
    el('td', { class: 'num', 'data-field': 'balanceAfter' }, formatNumber(Number(s.balanceAfter), 2)),
    cell.text('spentBy', s.spentBy)), 'Nothing spent yet.');
}

async function loadPrices() {
  const list = await getJson('/api/economy/prices');
  const select = document.getElementById('spend-item');
  select.replaceChildren(...Object.entries(list.prices).filter(([, price]) => Number(price) > 0)
    .map(([item, price]) => el('option', { value: item }, `${item} (${formatNumber(Number(price), 0)} each)`)));
}

async function spend(event) {
  event.preventDefault();
  const form = event.target;
  const result = document.getElementById('spend-result');
  form.querySelector('button').disabled = true;
  try {
    await postJson(`/api/users/${id}/points/spend`,
      { item: form.item.value, quantity: Number(form.quantity.value) });
    result.textContent = 'Spent.';
    await runAll({ user: loadUser, points: loadPoints, events: loadEvents });
  } catch (e) {
    result.textContent = e.message;
  } finally {
    form.querySelector('button').disabled = false;
  }
}

async function loadEvents() {
  const events = await getJson(`/api/users/${id}/events?${query({ limit: 50 })}`);
  fillTable(document.getElementById('events'), events, (e) => el('tr', { 'data-event-id': e.id },
    cell.time('at', e.at),
    cell.time('lastAt', e.lastAt),
    cell.text('rule', e.rule),
    cell.text('outcome', e.outcome),
    cell.text('code', e.code),
    cell.count('count', e.count),
    cell.text('message', e.message),
    cell.count('torrentId', e.torrentId)), 'No events.');
}

function turnHistoryPage(step) {
  historyPage = Math.max(0, historyPage + step);
  runAll({ history: loadHistory });
}

if (id) {
  document.getElementById('history-prev').addEventListener('click', () => turnHistoryPage(-1));
  document.getElementById('history-next').addEventListener('click', () => turnHistoryPage(1));
  document.getElementById('spend').addEventListener('submit', spend);
  await runAll({ ...navTasks('user'), user: loadUser, class: loadClass, points: loadPoints, prices: loadPrices,
    history: loadHistory, events: loadEvents });
} else {
  await runAll(navTasks('user'));
  reportError('user', new Error('the address needs ?id= followed by a user id'));
}
markLoaded();
