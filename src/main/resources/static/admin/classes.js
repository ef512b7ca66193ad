// The user classes: what each requires and what it gives.
import { cell, el, fillTable, formatBytes, formatCount, formatDuration, formatNumber, getJson, markLoaded, navTasks,
  runAll, yesNo } from './api.js';

const num = (field, text) => el('td', { class: 'num', 'data-field': field }, text);

async function loadClasses() {
  const classes = await getJson('/api/economy/classes');
  fillTable(document.getElementById('requirements'), classes, (c) => el('tr', { 'data-class': c.name },
    cell.text('name', c.name),
    cell.text('accountAge', formatDuration(c.accountAgeSeconds)),
    num('uploaded', formatBytes(c.uploadedBytes)),
    num('ratio', formatNumber(c.ratio, 2)),
    cell.text('seedTime', formatDuration(c.seedTimeSeconds)),
    cell.text('averageSeedTime', formatDuration(c.averageSeedTimeSeconds)),
    num('seedingSize', formatBytes(c.seedingBytes)),
    num('snatches', formatCount(c.snatches)),
    num('demoteBelowRatio', c.demoteBelowRatio ? formatNumber(c.demoteBelowRatio, 2) : 'never')));
  fillTable(document.getElementById('privileges'), classes, (c) => el('tr', { 'data-class': c.name },
    cell.text('name', c.name),
    num('downloadSlots', c.downloadSlots ? formatCount(c.downloadSlots) : 'no limit'),
    cell.text('leechWait', c.leechWaitSeconds ? formatDuration(c.leechWaitSeconds) : 'none'),
    num('downloadFactor', formatNumber(c.downloadFactor, 2)),
    num('uploadFactor', formatNumber(c.uploadFactor, 2)),
    num('pointsMultiplier', formatNumber(c.pointsMultiplier, 2)),
    cell.text('hitAndRunImmune', yesNo(c.hitAndRunImmune))));
}

await runAll({ ...navTasks('classes'), classes: loadClasses });
markLoaded();
