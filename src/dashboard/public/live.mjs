// The live feed: Server-Sent Events from GET /v1/events/stream. EventSource cannot send an
// Authorization header, so the page first trades its API key for a short-lived stream token.
import { api } from './api.mjs';
import { formatTime, h } from './dom.mjs';

const MAX_ITEMS = 50;
const RECONNECT_MS = 3000;
// Servers may name each SSE message after its event type; EventSource only hands named messages
// to listeners registered for that name, so listen for every type the sandbox emits (and unnamed ones).
export const EVENT_TYPES = [
  'payment.created', 'payment.requires_action', 'payment.processing', 'payment.authorized', 'payment.captured',
  'payment.partially_refunded', 'payment.refunded', 'payment.failed', 'payment.canceled', 'payment.attempt_failed',
  'payment.refund_reverted', 'refund.pending', 'refund.succeeded', 'refund.failed', 'review.opened', 'review.closed',
  'connector.circuit_opened', 'connector.circuit_closed',
];

/** Starts the feed; returns stop(). `onEvent(event)` gets every event (the webhook body) once. */
export function startLiveFeed({ status, list }, onEvent) {
  let source;
  let timer;
  let stopped = false;
  const seen = new Set();

  const say = (text, state) => {
    status.textContent = text;
    status.dataset.state = state;
  };

  const receive = (message) => {
    const event = parse(message.data);
    if (!event || !event.id || seen.has(event.id)) return;
    seen.add(event.id);
    if (seen.size > 1000) seen.delete(seen.values().next().value);
    list.prepend(feedItem(event));
    while (list.children.length > MAX_ITEMS) list.lastElementChild.remove();
    onEvent(event);
  };

  const connect = async () => {
    if (stopped) return;
    say('Connecting…', 'connecting');
    let token;
    try {
      token = await streamToken();
    } catch (error) {
      if (error.routeMissing) {
        say(`Live feed not available on this server yet (${error.route} answered 404 route_not_found). Use Refresh in each panel.`, 'unavailable');
        return;
      }
      say(`Live feed offline: ${error.message} Retrying…`, 'offline');
      timer = setTimeout(connect, RECONNECT_MS);
      return;
    }
    if (stopped) return;
    source = new EventSource(`/v1/events/stream?token=${encodeURIComponent(token)}`);
    source.onopen = () => say('Live: connected. New events appear here as they happen.', 'live');
    source.onmessage = receive;
    for (const type of EVENT_TYPES) source.addEventListener(type, receive);
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (expired token) or the server went away: start over with a fresh token.
        source.close();
        say('Live feed disconnected. Reconnecting…', 'offline');
        timer = setTimeout(connect, RECONNECT_MS);
      } else {
        say('Live feed interrupted. Reconnecting…', 'connecting');
      }
    };
  };

  void connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    if (source) source.close();
    say('Not connected.', 'stopped');
    list.replaceChildren();
  };
}

async function streamToken() {
  const body = await api('POST', '/v1/stream-tokens', {});
  const token = body && (body.token ?? body.secret);
  if (!token) throw new Error('The stream token response carried no token.');
  return token;
}

function parse(data) {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** The payment an event is about, if any. */
export function paymentIdOf(event) {
  const object = (event.data && event.data.object) || {};
  if (typeof object.id === 'string' && object.id.startsWith('pay_')) return object.id;
  return object.payment_id ?? event.payment_id ?? undefined;
}

function feedItem(event) {
  const paymentId = paymentIdOf(event);
  return h('li', { 'data-event-id': event.id, 'data-type': event.type },
    h('time', { datetime: event.created_at }, formatTime(event.created_at)), ' ',
    h('strong', {}, event.type),
    paymentId ? [' ', h('a', { href: `#/payments/${paymentId}` }, paymentId)] : null);
}
