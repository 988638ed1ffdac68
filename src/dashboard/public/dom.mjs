// Small DOM helpers. Text always goes in as text (never innerHTML), so API data cannot inject markup.

/** h('button', { type: 'button', onclick }, 'Label') → an element. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name in element && typeof value !== 'string') element[name] = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

let sequence = 0;
export function uid(prefix) {
  sequence += 1;
  return `${prefix}-${sequence}`;
}

/** A titled region (a landmark for screen readers). */
export function section(title, ...children) {
  const id = uid('section');
  return h('section', { 'aria-labelledby': id, class: 'panel' }, h('h2', { id }, title), ...children);
}

export function formatMoney(amount, currency) {
  if (typeof amount !== 'number' || !currency) return amount ?? '—';
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency });
    return format.format(amount / 10 ** format.resolvedOptions().maximumFractionDigits);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function badge(status) {
  const text = status ?? '—';
  return h('span', { class: `badge badge-${String(text).toLowerCase()}` }, text);
}

/** A message area: role=status for results, role=alert for failures. */
export function messageArea() {
  const element = h('p', { class: 'message', role: 'status' });
  return {
    element,
    ok(text) {
      element.className = 'message ok';
      element.setAttribute('role', 'status');
      element.textContent = text;
    },
    fail(error) {
      element.className = 'message error';
      element.setAttribute('role', 'alert');
      element.textContent = describeError(error);
    },
    clear() {
      element.textContent = '';
    },
  };
}

export function describeError(error) {
  if (error && error.routeMissing) return `Not available on this server yet: ${error.route} answered 404 route_not_found.`;
  const param = error && error.param ? ` (${error.param})` : '';
  return `${error && error.message ? error.message : String(error)}${param}`;
}

/**
 * What a panel shows when its data cannot be loaded. A 404 route_not_found means the server has not
 * got this feature yet: say so plainly rather than show an error.
 */
export function loadFailure(what, error) {
  if (error && error.routeMissing) {
    return h('div', { class: 'unavailable', role: 'status' },
      h('p', {}, h('strong', {}, `${what}: not available on this server yet.`)),
      h('p', { class: 'hint' }, `${error.route} answered 404 route_not_found; this feature lands in a later version of the sandbox.`));
  }
  return h('p', { class: 'message error', role: 'alert' }, `Could not load ${what.toLowerCase()}: ${describeError(error)}`);
}

/**
 * A table with a caption. columns: [{ label, cell(row) → node|string }].
 * On a phone the CSS turns each row into a card, each cell labelled by its column (data-label).
 */
export function table(caption, columns, rows, empty = 'Nothing here yet.') {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col' }, column.label)))),
      h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((column) => h('td', { 'data-label': column.label }, column.cell(row))))))));
}

/** Scalar fields of an object as a definition list; nested values as compact JSON. */
export function fields(object, skip = []) {
  const entries = Object.entries(object ?? {}).filter(([name, value]) => !skip.includes(name) && value !== undefined);
  return h('dl', { class: 'fields' }, entries.map(([name, value]) => [h('dt', {}, name), h('dd', {}, show(value))]));
}

function show(value) {
  if (value === null) return '—';
  if (typeof value === 'object') return h('code', {}, JSON.stringify(value));
  return String(value);
}

/** Runs an action from a button: disabled while it runs, result or error in the message area. */
export async function runAction(button, message, action) {
  button.disabled = true;
  message.clear();
  try {
    const text = await action();
    if (text) message.ok(text);
  } catch (error) {
    message.fail(error);
  } finally {
    button.disabled = false;
  }
}

/** Replaces a container's content. */
export function fill(container, ...children) {
  container.replaceChildren();
  append(container, children);
}

/**
 * Newer/Older buttons for a cursor-paginated list (newest first). `cursors` is the caller's stack of
 * starting_after values (empty = first page); the buttons change it and call reload().
 */
export function pager(label, cursors, page, reload) {
  const newer = h('button', { type: 'button', disabled: cursors.length === 0, onclick: () => { cursors.pop(); reload(); } }, 'Newer');
  const older = h('button', {
    type: 'button',
    disabled: !page.has_more || page.data.length === 0,
    onclick: () => { cursors.push(page.data[page.data.length - 1].id); reload(); },
  }, 'Older');
  return h('nav', { class: 'pager', 'aria-label': `${label} pages` }, newer, h('span', {}, `Page ${cursors.length + 1}`), older);
}

/** Calls fn at most once per `ms` burst (live events arrive in bursts: created, authorized, captured…). */
export function debounce(fn, ms = 250) {
  let timer;
  const debounced = () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

/**
 * Loads data into a container, newest request wins (a slow answer never overwrites a newer one).
 * fetchAndRender() returns the nodes to show; failures render loadFailure(what, error).
 */
export function loader(container, what, fetchAndRender) {
  let generation = 0;
  return async () => {
    generation += 1;
    const mine = generation;
    container.setAttribute('aria-busy', 'true');
    let nodes;
    try {
      nodes = await fetchAndRender();
    } catch (error) {
      nodes = loadFailure(what, error);
    }
    if (mine !== generation) return;
    fill(container, nodes);
    container.setAttribute('aria-busy', 'false');
  };
}
