// One payment: its fields, its timeline (transitions, attempts, events, deliveries, reviews, simulated faults) and its events.
import { api } from './api.mjs';
import { badge, debounce, fields, formatMoney, formatTime, h, loader, section } from './dom.mjs';
import { paymentIdOf } from './live.mjs';
import { attemptsList, eventList } from './view-events.mjs';

const SUMMARY_FIELDS = ['status', 'amount', 'currency', 'amount_captured', 'amount_refunded', 'capture_method', 'connector',
  'failure_code', 'failure_message', 'cancellation_reason', 'customer_email', 'description', 'created_at', 'updated_at'];

export function paymentView({ id }) {
  const summary = h('div', { class: 'results' });
  const timeline = h('div', { class: 'results' });
  const loadSummary = loader(summary, 'The payment', async () => paymentSummary(await api('GET', `/v1/payments/${encodeURIComponent(id)}`)));
  const loadTimeline = loader(timeline, 'The timeline', async () => timelineList(await api('GET', `/v1/payments/${encodeURIComponent(id)}/timeline`)));
  const events = eventList({ paymentId: id });
  const load = () => Promise.all([loadSummary(), loadTimeline(), events.load()]);
  const element = h('div', { class: 'payment' },
    h('p', {}, h('a', { href: '#/payments' }, '← All payments')),
    section(`Payment ${id}`, summary),
    section('Timeline', h('button', { type: 'button', onclick: () => loadTimeline() }, 'Refresh timeline'), timeline),
    section('Events and webhook deliveries', events.element));
  const refreshSoon = debounce(() => Promise.all([loadSummary(), loadTimeline()]));
  const onEvent = (event) => {
    if (paymentIdOf(event) !== id) return;
    refreshSoon();
    events.onEvent(event);
  };
  return { element, load, onEvent, dispose: () => { refreshSoon.cancel(); events.dispose(); } };
}

function paymentSummary(payment) {
  const summary = Object.fromEntries(SUMMARY_FIELDS.filter((name) => name in payment).map((name) => [name, payment[name]]));
  return [
    h('p', { class: 'headline' }, h('span', { class: 'amount' }, formatMoney(payment.amount, payment.currency)), ' ', badge(payment.status)),
    fields(summary),
    h('details', {}, h('summary', {}, 'All fields (JSON)'), h('pre', {}, JSON.stringify(payment, null, 2))),
  ];
}

function timelineList(list) {
  if (list.data.length === 0) return h('p', { class: 'empty' }, 'Nothing has happened to this payment yet.');
  return h('ol', { class: 'timeline', 'aria-label': 'Timeline, oldest first' }, list.data.map(timelineItem));
}

function timelineItem(entry) {
  return h('li', { class: `entry entry-${entry.type}`, 'data-type': entry.type },
    h('time', { datetime: entry.at }, formatTime(entry.at)), ' ',
    h('span', { class: 'kind' }, entry.type), ' ',
    h('span', { class: 'what' }, describe(entry)),
    h('details', {}, h('summary', {}, 'Details'), fields(entry, ['type', 'at', 'attempts']),
      Array.isArray(entry.attempts) ? attemptsList(entry.attempts) : null));
}

/** One line per entry; every field is also under Details. */
function describe(entry) {
  switch (entry.type) {
    case 'transition':
      return `${entry.from ?? 'new'} → ${entry.to}${actor(entry)}${entry.ip ? ` from ${entry.ip}` : ''}`;
    case 'attempt':
      return [entry.connector, entry.status, entry.error, entry.latency_ms !== undefined ? `${entry.latency_ms} ms` : null].filter(Boolean).join(' · ');
    case 'event':
      return [entry.event_type ?? entry.event?.type ?? entry.name, entry.event_id ?? entry.id].filter(Boolean).join(' · ');
    case 'delivery':
      return [`${entry.event_id ?? 'event'} → ${entry.endpoint_id ?? 'endpoint'}`, entry.status,
        Array.isArray(entry.attempts) ? `${entry.attempts.length} attempt(s)` : null].filter(Boolean).join(' · ');
    case 'review':
      return [entry.status, entry.reason, entry.closed_reason].filter(Boolean).join(' · ');
    case 'simulated_fault':
      return [`${entry.fault} on ${entry.operation}`, entry.refund_id, entry.request_id].filter(Boolean).join(' · ');
    default:
      return '';
  }
}

function actor(entry) {
  const who = entry.actor_key_id ?? entry.api_key_id ?? entry.actor;
  return who ? ` by ${typeof who === 'string' ? who : JSON.stringify(who)}` : '';
}
