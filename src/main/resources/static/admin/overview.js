// Overview: summary cards, the two charts, top torrents, users on ratio watch or with strikes, latest cheat flags.
// Everything refreshes every 10 s; the charts are updated in place.
import {
  cell, el, every, fillTable, formatClock, formatCount, formatNumber, formatRatio, getJson, markLoaded,
  navTasks, query, runAll, setCount, setText, setTime,
} from './api.js';

const REFRESH_MS = 10_000;
const COLORS = ['#2563eb', '#16a34a', '#f59e0b', '#db2777', '#7c3aed', '#0891b2', '#dc2626', '#65a30d', '#6b7280'];

let rateChart = null;
let clientChart = null;

function chartLibrary() {
  if (typeof window.Chart !== 'function') throw new Error('Chart.js did not load (/webjars/chart.js/dist/chart.umd.js)');
  return window.Chart;
}

function renderRateChart(lastHour) {
  const labels = lastHour.map((m) => formatClock(m.minute));
  const announces = lastHour.map((m) => m.announces);
  const denials = lastHour.map((m) => m.denials);
  const canvas = document.getElementById('chart-rate');
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  canvas.setAttribute('aria-label', `Announces and denials per minute over the last hour: `
    + `${sum(announces)} announces, ${sum(denials)} denials in total`);
  if (rateChart) {
    rateChart.data.labels = labels;
    rateChart.data.datasets[0].data = announces;
    rateChart.data.datasets[1].data = denials;
    rateChart.update('none');
    return;
  }
  const Chart = chartLibrary();
  rateChart = new Chart(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: [
        { label: 'Announces', data: announces, borderColor: COLORS[0], backgroundColor: COLORS[0], yAxisID: 'y' },
        { label: 'Denials', data: denials, borderColor: COLORS[6], backgroundColor: COLORS[6], yAxisID: 'y1' },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      elements: { point: { radius: 0 }, line: { borderWidth: 2, tension: 0 } },
      scales: {
        x: { ticks: { maxTicksLimit: 12, maxRotation: 0 } },
        y: { beginAtZero: true, title: { display: true, text: 'announces / min' }, ticks: { precision: 0 } },
        y1: {
          beginAtZero: true, position: 'right', grid: { drawOnChartArea: false },
          title: { display: true, text: 'denials / min' }, ticks: { precision: 0 },
        },
      },
    },
  });
}

function renderClientChart(clients) {
  const entries = Object.entries(clients || {}).sort((a, b) => b[1] - a[1]);
  const canvas = document.getElementById('chart-clients');
  canvas.setAttribute('aria-label', entries.length
    ? `Peers by client family: ${entries.map(([name, n]) => `${name} ${n}`).join(', ')}`
    : 'Peers by client family: no peers');
  const labels = entries.map(([name]) => name);
  const counts = entries.map(([, n]) => n);
  const colors = labels.map((_, i) => COLORS[i % COLORS.length]);
  if (clientChart) {
    clientChart.data.labels = labels;
    Object.assign(clientChart.data.datasets[0], { data: counts, backgroundColor: colors });
    clientChart.update('none');
    return;
  }
  const Chart = chartLibrary();
  clientChart = new Chart(canvas, {
    type: 'doughnut',
    data: { labels, datasets: [{ label: 'Peers', data: counts, backgroundColor: colors }] },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { position: 'right' } } },
  });
}

async function loadSummary() {
  const s = await getJson('/api/summary');
  for (const name of ['users', 'torrents', 'swarms', 'pendingPeers']) setCount(name, s[name]);
  for (const name of ['total', 'seeders', 'leechers', 'partialSeeds']) setCount(`peers.${name}`, s.peers?.[name]);
  for (const name of ['oneMinute', 'fifteenMinutes', 'oneHour']) {
    setText(`announcesPerSecond.${name}`, formatNumber(s.announcesPerSecond?.[name], 2));
  }
  setText('flushLagSeconds', formatNumber(s.flushLagSeconds, 1));
  setTime('at', s.at);
  renderRateChart(s.lastHour || []);
  renderClientChart(s.clients);
}

async function loadTopTorrents() {
  const page = await getJson(`/api/torrents?${query({ page: 0, size: 10, sort: 'peers,desc' })}`);
  fillTable(document.getElementById('top-torrents'), page.items, (t) => el('tr', {
    'data-infohash': t.infoHash, class: t.deletedAt ? 'deleted' : null, title: t.deletedAt ? 'deleted' : null,
  },
    cell.link('name', `/admin/torrent.html?hash=${t.infoHash}`, t.name),
    cell.count('seeders', t.seeders),
    cell.count('leechers', t.leechers),
    cell.count('snatches', t.snatches),
    cell.bytes('size', t.size)), 'No torrents yet.');
}

const userRow = (u) => el('tr', { 'data-user-id': u.id },
  cell.link('name', `/admin/user.html?id=${u.id}`, u.name),
  el('td', { class: 'num', 'data-field': 'ratio' }, formatRatio(u.ratio, u.downloaded)),
  cell.count('activeStrikes', u.activeStrikes));

async function loadUsers(filter, tableId, countField, emptyText) {
  const page = await getJson(`/api/users?${query({ page: 0, size: 20, sort: 'ratio,asc', [filter]: true })}`);
  setText(countField, formatCount(page.totalItems));
  fillTable(document.getElementById(tableId), page.items, userRow, emptyText);
}

async function loadFlags() {
  const flags = await getJson(`/api/flags?${query({ limit: 10 })}`);
  fillTable(document.getElementById('cheat-flags'), flags, (f) => el('tr', { 'data-event-id': f.id },
    cell.link('userId', `/admin/user.html?id=${f.userId}`, String(f.userId)),
    cell.text('code', f.code),
    cell.count('count', f.count),
    cell.text('message', f.message),
    cell.time('at', f.at),
    cell.time('lastAt', f.lastAt)), 'No cheat flags.');
}

const sections = {
  summary: loadSummary,
  'top torrents': loadTopTorrents,
  'ratio watch': () => loadUsers('onWatch', 'watch-users', 'watch.totalItems', 'Nobody is on ratio watch.'),
  strikes: () => loadUsers('struck', 'struck-users', 'struck.totalItems', 'Nobody has an active strike.'),
  'cheat flags': loadFlags,
};

await runAll({ ...navTasks('overview'), ...sections });
markLoaded();
every(REFRESH_MS, () => runAll(sections));
