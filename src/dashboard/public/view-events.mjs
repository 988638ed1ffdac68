// Events, each with its webhook deliveries (every attempt) and a Resend button.
import { api, query } from './api.mjs';
import { badge, debounce, fill, formatTime, h, loader, messageArea, pager, runAction, section, table, uid } from './dom.mjs';
import { EVENT_TYPES, paymentIdOf } from './live.mjs';

const PAGE_SIZE = 20;
const state = { type: '', cursors: [] };

export function eventsView() {
  const list = eventList({ state, filterable: true });
  return { element: section('Events', list.element), load: list.load, onEvent: list.onEvent, dispose: list.dispose };
}

/** The events list; with `paymentId`, only that payment's events (used on a payment's page). */
export function eventList({ paymentId, state: pageState = { type: '', cursors: [] }, filterable = false }) {
  const results = h('div', { class: 'results' });
  const load = loader(results, 'Events', async () => {
    const page = await api('GET', `/v1/events${query({
      limit: PAGE_SIZE, type: pageState.type, payment_id: paymentId, starting_after: pageState.cursors.at(-1),
    })}`);
    const items = page.data.map(eventItem);
    return [items.length ? h('ul', { class: 'events' }, items) : h('p', { class: 'empty' }, 'No events yet.'),
      pager('Events', pageState.cursors, page, load)];
  });
  const type = h('select', { id: uid('event-type'), onchange: () => { pageState.type = type.value; pageState.cursors.length = 0; load(); } },
    h('option', { value: '' }, 'All'),
    EVENT_TYPES.map((value) => h('option', { value, selected: value === pageState.type }, value)));
  const toolbar = h('form', { class: 'toolbar', onsubmit: (event) => event.preventDefault() },
    filterable ? [h('label', { for: type.id }, 'Type'), type] : null,
    h('button', { type: 'button', onclick: () => load() }, 'Refresh'));
  const refreshSoon = debounce(load);
  const onEvent = (event) => {
    if (pageState.cursors.length > 0) return;
    if (!paymentId || paymentIdOf(event) === paymentId) refreshSoon();
  };
  return { element: h('div', {}, toolbar, results), load, onEvent, dispose: refreshSoon.cancel };
}

function eventItem(event) {
  const paymentId = paymentIdOf(event);
  const panel = h('div', { id: uid('deliveries'), class: 'deliveries', hidden: true });
  const message = messageArea();
  const loadDeliveries = loader(panel, 'Deliveries', async () => deliveriesTable(await api('GET', `/v1/events/${event.id}/deliveries`)));
  const toggle = h('button', {
    type: 'button',
    'aria-expanded': 'false',
    'aria-controls': panel.id,
    onclick: () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      panel.hidden = !open;
      if (open) void loadDeliveries();
    },
  }, 'Deliveries');
  const resend = h('button', { type: 'button', class: 'resend' }, 'Resend');
  resend.addEventListener('click', () => runAction(resend, message, async () => {
    const deliveries = await api('POST', `/v1/events/${event.id}/resend`, {});
    toggle.setAttribute('aria-expanded', 'true');
    panel.hidden = false;
    fill(panel, deliveriesTable(deliveries));
    const count = deliveries.data.length;
    return count === 0 ? 'No enabled endpoint to resend to.' : `Resend queued: ${count} ${count === 1 ? 'delivery' : 'deliveries'}.`;
  }));
  return h('li', { class: 'event', 'data-event-id': event.id },
    h('div', { class: 'event-head' },
      h('strong', {}, event.type), ' ',
      h('code', {}, event.id), ' ',
      h('time', { datetime: event.created_at }, formatTime(event.created_at)),
      paymentId ? [' ', h('a', { href: `#/payments/${paymentId}` }, paymentId)] : null,
      h('span', { class: 'actions' }, toggle, resend)),
    message.element,
    panel);
}

function deliveriesTable(list) {
  return table('Webhook deliveries', [
    { label: 'Delivery', cell: (d) => h('code', {}, d.id) },
    { label: 'Endpoint', cell: (d) => h('code', {}, d.endpoint_id) },
    { label: 'Status', cell: (d) => badge(d.status) },
    { label: 'Attempts', cell: (d) => attemptsList(d.attempts || []) },
    { label: 'Next attempt', cell: (d) => formatTime(d.next_attempt_at) },
  ], list.data, 'No webhook deliveries for this event (no endpoint subscribed).');
}

export function attemptsList(attempts) {
  if (attempts.length === 0) return 'none yet';
  return h('ol', { class: 'attempts' }, attempts.map((a) => h('li', {},
    `#${a.attempt} ${formatTime(a.at)} → ${a.response_status ?? 'no response'}`,
    a.duration_ms !== undefined && a.duration_ms !== null ? ` in ${a.duration_ms} ms` : '',
    a.error ? ` (${a.error})` : '')));
}
