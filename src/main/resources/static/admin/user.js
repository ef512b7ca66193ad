// One user: totals, standing (ratio policy, strikes), account flags, hit-and-runs, torrent history and events.
import {
  cell, el, fillTable, formatCount, formatDuration, formatNumber, formatRatio, getJson, markLoaded, navTasks, param,
  query, reportError, runAll, setBytes, setCount, setText, setTime, timeEl, yesNo,
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
  await runAll({ ...navTasks('user'), user: loadUser, history: loadHistory, events: loadEvents });
} else {
  await runAll(navTasks('user'));
  reportError('user', new Error('the address needs ?id= followed by a user id'));
}
markLoaded();
