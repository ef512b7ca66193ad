// Shared by every admin page: the JSON fetch helper, formatting, a tiny DOM builder, the top nav
// (user search, sign out with the CSRF token), error reporting and the "loaded" marker the browser tests wait for.
// API data only ever reaches the page through textContent and attributes, never innerHTML: names are user-controlled.

/** Thrown after a 401 sent the browser to the login page; callers need not report it. */
export class LoginRedirect extends Error {}

/** GET a JSON document from the admin API on this origin with the session cookie; 401 goes to /login. */
export async function getJson(path) {
  let response;
  try {
    response = await fetch(path, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
    });
  } catch (e) {
    throw new Error(`GET ${path}: network error (${e.message})`);
  }
  // A session that expired may also come back as a redirect to the login form that fetch followed.
  if (response.status === 401 || (response.redirected && new URL(response.url).pathname === '/login')) {
    location.assign('/login');
    throw new LoginRedirect('not signed in');
  }
  const type = response.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const detail = body && (body.detail || body.title || body.message);
    throw new Error(`GET ${path}: ${response.status} ${response.statusText || ''}${detail ? ` — ${detail}` : ''}`.trim());
  }
  if (body === null) throw new Error(`GET ${path}: expected JSON, got ${type || 'no content type'}`);
  return body;
}

/**
 * POST a JSON body to the admin API with the session and its CSRF token; the JSON answer, or an Error carrying the
 * problem detail's text (a 409's "the balance of … is short of …" is what staff should read).
 */
export async function postJson(path, payload) {
  const csrf = await getJson('/admin/csrf');
  let response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json',
        [csrf.headerName || 'X-CSRF-TOKEN']: csrf.token },
      body: JSON.stringify(payload),
    });
  } catch (e) {
    throw new Error(`POST ${path}: network error (${e.message})`);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = body && (body.detail || body.title);
    throw new Error(detail || `POST ${path}: ${response.status}`);
  }
  return body;
}

/** A query string from an object, leaving out null and undefined values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined) search.set(key, String(value));
  }
  return search.toString();
}

// ---------------------------------------------------------------------------------------------- formatting

const DASH = '—';
const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** 512 → "512 B", 1536 → "1.50 KiB", … up to TiB (larger values stay in TiB). */
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined || !Number.isFinite(Number(bytes))) return DASH;
  let value = Number(bytes);
  if (Math.abs(value) < 1024) return `${value} B`;
  let unit = -1;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(2)} ${UNITS[unit]}`;
}

/** A ratio with 2 decimals; null means "nothing downloaded yet" (∞) unless downloaded says otherwise. */
export function formatRatio(ratio, downloaded) {
  if (ratio === null || ratio === undefined) {
    return downloaded === undefined || downloaded === null || Number(downloaded) === 0 ? '∞' : DASH;
  }
  return Number(ratio).toFixed(2);
}

/** A number with a fixed count of decimals, or a dash for null. */
export function formatNumber(value, decimals = 2) {
  return value === null || value === undefined ? DASH : Number(value).toFixed(decimals);
}

/** A count as a plain integer (no thousands separators, so tests compare it exactly), or a dash for null. */
export function formatCount(value) {
  return value === null || value === undefined ? DASH : String(value);
}

/** An ISO instant as date and time in the browser's locale, or a dash for null. */
export function formatTime(iso) {
  if (!iso) return DASH;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

/** An ISO instant as hours and minutes in the browser's locale (chart axes). */
export function formatClock(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Seconds as "45s", "5m 3s", "2h 5m", "3d 4h". */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return DASH;
  const s = Math.max(0, Math.round(Number(seconds)));
  const [d, h, m] = [Math.floor(s / 86400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60];
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

export const yesNo = (flag) => (flag ? 'yes' : 'no');

// ---------------------------------------------------------------------------------------------- DOM

/**
 * el('a', { href: '…', class: 'x', 'data-field': 'name', onclick: fn }, 'text', otherNode, [more]) — strings become
 * text nodes; null, undefined and false attributes and children are left out; true gives an empty attribute.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (c instanceof Node ? c : String(c))));
  return node;
}

/** A <time> element for an ISO instant (text in the browser's locale), or a plain dash for null. */
export function timeEl(iso, attrs = {}) {
  return iso ? el('time', { datetime: iso, title: iso, ...attrs }, formatTime(iso)) : el('span', attrs, DASH);
}

/** Table cells carrying data-field, for the page scripts' row builders. */
export const cell = {
  text: (field, text, attrs = {}) => el('td', { 'data-field': field, ...attrs }, text ?? DASH),
  count: (field, n) => el('td', { class: 'num', 'data-field': field }, formatCount(n)),
  bytes: (field, n) => el('td', { class: 'num', 'data-field': field, 'data-value': n, title: `${n} bytes` },
    formatBytes(n)),
  time: (field, iso) => el('td', { 'data-field': field }, timeEl(iso)),
  link: (field, href, text) => el('td', { 'data-field': field }, el('a', { href }, text)),
};

/** Fills a table's body with one row per item, or a single "empty" row spanning every column. */
export function fillTable(table, items, row, emptyText = 'Nothing to show.') {
  const body = table.tBodies[0] || table.createTBody();
  const columns = table.tHead ? table.tHead.rows[0].cells.length : 1;
  body.replaceChildren(...(items.length
    ? items.map(row)
    : [el('tr', { class: 'empty' }, el('td', { colspan: columns }, emptyText))]));
}

/** The element with data-field="name" inside root (the page-level value, which comes before any table). */
export function field(name, root = document) {
  const node = root.querySelector(`[data-field="${name}"]`);
  if (!node) throw new Error(`no element with data-field="${name}"`);
  return node;
}

export function setText(name, text, root = document) {
  const node = field(name, root);
  node.textContent = text ?? DASH;
  return node;
}

export function setCount(name, n, root = document) {
  return setText(name, formatCount(n), root);
}

export function setBytes(name, n, root = document) {
  const node = setText(name, formatBytes(n), root);
  node.dataset.value = n ?? '';
  node.title = n === null || n === undefined ? '' : `${n} bytes`;
  return node;
}

/** Sets a <time data-field> element (datetime attribute + local text); a dash and no datetime for null. */
export function setTime(name, iso, root = document) {
  const node = setText(name, formatTime(iso), root);
  if (iso) {
    node.setAttribute('datetime', iso);
    node.title = iso;
  } else {
    node.removeAttribute('datetime');
    node.removeAttribute('title');
  }
  return node;
}

// ---------------------------------------------------------------------------------------------- page lifecycle

const problems = new Map();

function showProblems() {
  const box = document.getElementById('error');
  if (!box) return;
  box.replaceChildren(...[...problems.values()].map((message) => el('p', {}, message)));
  box.hidden = problems.size === 0;
}

/** Shows a message in #error under a key (a later success under the same key clears it). */
export function reportError(key, error) {
  if (error instanceof LoginRedirect) return;
  problems.set(key, `${key}: ${error && error.message ? error.message : error}`);
  showProblems();
}

/**
 * Runs every task (key → async function) at once; each failure shows in #error under its key, each success clears
 * its key. Never rejects, so one broken section leaves the others working.
 */
export async function runAll(tasks) {
  await Promise.all(Object.entries(tasks).map(async ([key, task]) => {
    try {
      await task();
      problems.delete(key);
      showProblems();
    } catch (error) {
      reportError(key, error);
    }
  }));
}

/** Marks the first load done: the browser tests wait for body[data-loaded="true"]. */
export function markLoaded() {
  document.body.dataset.loaded = 'true';
}

/** Calls task every `ms` milliseconds after the previous run finished, skipping while the tab is hidden. */
export function every(ms, task) {
  const tick = async () => {
    if (!document.hidden) await task();
    setTimeout(tick, ms);
  };
  setTimeout(tick, ms);
}

/** The id or hash a page is about, from its query string, if it matches the pattern. */
export function param(name, pattern) {
  const value = new URLSearchParams(location.search).get(name);
  return value !== null && pattern.test(value) ? value : null;
}

// ---------------------------------------------------------------------------------------------- top nav

async function loadCsrf() {
  const form = document.getElementById('logout');
  if (!form) return;
  const csrf = await getJson('/admin/csrf');
  const input = form.querySelector('input[type="hidden"]');
  input.name = csrf.parameterName || '_csrf';
  input.value = csrf.token;
  form.querySelector('button').disabled = false;
}

/** Lists the users whose name matches in #search-results (links to their pages). */
export async function searchUsers(text) {
  const section = document.getElementById('search-results');
  const list = section.querySelector('ul');
  const page = await getJson(`/api/users?${query({ page: 0, size: 20, sort: 'name,asc', search: text })}`);
  setText('search.query', text, section);
  setCount('search.totalItems', page.totalItems, section);
  list.replaceChildren(...(page.items.length
    ? page.items.map((user) => el('li', { 'data-user-id': user.id },
      el('a', { href: `/admin/user.html?id=${user.id}`, 'data-field': 'name' }, user.name),
      user.enabled ? null : el('span', { class: 'badge' }, 'disabled'),
      user.onWatch ? el('span', { class: 'badge' }, 'ratio watch') : null))
    : [el('li', { class: 'empty' }, 'No user matches.')]));
  section.hidden = false;
}

/** The header every page shares: brand, Overview, Classes, user search, sign out (a POST form to /logout with the CSRF token). */
function buildNav(current) {
  return el('header', { class: 'top' },
    el('nav', { 'aria-label': 'Main' },
      el('a', { class: 'brand', href: '/admin/index.html' }, 'Swarmkeeper'),
      el('a', { href: '/admin/index.html', 'aria-current': current === 'overview' ? 'page' : null }, 'Overview'),
      el('a', { href: '/admin/classes.html', 'aria-current': current === 'classes' ? 'page' : null }, 'Classes'),
      el('form', { id: 'user-search', role: 'search', action: '/admin/index.html', method: 'get' },
        el('label', { for: 'user-search-input', class: 'visually-hidden' }, 'Search users by name'),
        el('input', { id: 'user-search-input', name: 'search', type: 'search', placeholder: 'Find a user…',
          autocomplete: 'off' }),
        el('button', { type: 'submit' }, 'Search')),
      el('form', { id: 'logout', method: 'post', action: '/logout' },
        el('input', { type: 'hidden', name: '_csrf', value: '' }),
        el('button', { type: 'submit', disabled: true }, 'Sign out'))));
}

function buildSearchResults() {
  return el('section', { id: 'search-results', class: 'panel', 'aria-labelledby': 'search-heading', tabindex: -1,
    hidden: true },
  el('div', { class: 'panel-head' },
    el('h2', { id: 'search-heading' }, 'Users matching “', el('span', { 'data-field': 'search.query' }), '” (',
      el('span', { 'data-field': 'search.totalItems' }), ')'),
    el('button', { type: 'button', id: 'search-close', class: 'link' }, 'Close')),
  el('ul', { class: 'user-list' }));
}

/**
 * Builds the nav on every page (current: 'overview', 'classes', 'torrent' or 'user'): the sign-out form gets its CSRF token,
 * the search box lists matching users in place, and ?search=… in the address runs it on load. Returns the tasks
 * for the page's first load.
 */
export function navTasks(current) {
  document.body.prepend(buildNav(current));
  const error = document.getElementById('error');
  error.after(buildSearchResults());
  const form = document.getElementById('user-search');
  const input = form.querySelector('input[type="search"]');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    await runAll({ 'user search': () => searchUsers(text) });
    document.getElementById('search-results').focus();
  });
  document.getElementById('search-close').addEventListener('click', () => {
    document.getElementById('search-results').hidden = true;
  });
  const tasks = { 'sign-out token': loadCsrf };
  const initial = (new URLSearchParams(location.search).get('search') || '').trim();
  if (initial) {
    input.value = initial;
    tasks['user search'] = () => searchUsers(initial);
  }
  return tasks;
}
