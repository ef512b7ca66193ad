// One torrent: its counts, factors, deletion if any, and the live peers. Refreshes every 10 s.
import {
  cell, el, every, fillTable, formatNumber, getJson, markLoaded, navTasks, param, reportError, runAll,
  setBytes, setCount, setText, setTime,
} from './api.js';

const REFRESH_MS = 10_000;
const hash = param('hash', /^[0-9a-fA-F]{40}$/);

/** How much of the torrent the peer has: (size - left) / size as a percentage with 1 decimal. */
function progress(size, left) {
  if (!size) return 100;
  return Math.min(100, Math.max(0, ((size - left) / size) * 100));
}

function state(peer) {
  if (peer.seeding) return 'seeding';
  return peer.partialSeed ? 'partial seed' : 'leeching';
}

function connectable(peer) {
  if (peer.connectable === null || peer.connectable === undefined) return 'not probed';
  return peer.connectable ? 'yes' : 'no';
}

function peerRow(peer, size) {
  const done = progress(size, peer.left);
  return el('tr', { 'data-peer-id': peer.peerId },
    cell.link('user', `/admin/user.html?id=${peer.userId}`, peer.user),
    cell.text('client', peer.client),
    el('td', { 'data-field': 'peerId' }, el('code', {}, peer.peerId)),
    cell.text('address', (peer.addresses || []).join(', ')),
    cell.text('connectable', connectable(peer)),
    cell.text('state', state(peer)),
    el('td', { class: 'num progress', 'data-field': 'progress', 'data-value': done, style: `--done: ${done}%` },
      `${done.toFixed(1)}%`),
    cell.bytes('uploaded', peer.uploaded),
    cell.bytes('downloaded', peer.downloaded),
    cell.time('lastAnnounce', peer.lastAnnounce));
}

async function loadTorrent() {
  const t = await getJson(`/api/torrents/${hash}`);
  setText('name', t.name);
  document.title = `${t.name} · Swarmkeeper admin`;
  setText('infoHash', t.infoHash);
  document.getElementById('v2-row').hidden = !t.infoHashV2;
  setText('infoHashV2', t.infoHashV2);
  setCount('id', t.id);
  for (const name of ['seeders', 'leechers', 'partialSeeds', 'snatches']) setCount(name, t[name]);
  setBytes('size', t.size);
  setText('downloadFactor', formatNumber(t.downloadFactor, 2)).dataset.value = t.downloadFactor;
  setText('uploadFactor', formatNumber(t.uploadFactor, 2)).dataset.value = t.uploadFactor;
  document.getElementById('deletion').hidden = !t.deletedAt;
  setTime('deletedAt', t.deletedAt);
  setText('deletionReason', t.deletionReason || '—');
  const peers = t.peers || [];
  setCount('peerCount', peers.length);
  fillTable(document.getElementById('peers'), peers, (peer) => peerRow(peer, t.size), 'No live peers.');
  setTime('refreshedAt', new Date().toISOString());
}

if (hash) {
  await runAll({ ...navTasks('torrent'), torrent: loadTorrent });
  every(REFRESH_MS, () => runAll({ torrent: loadTorrent }));
} else {
  await runAll(navTasks('torrent'));
  reportError('torrent', new Error('the address needs ?hash= followed by the 40 hex digits of an info hash'));
}
markLoaded();
