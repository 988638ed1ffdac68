// Connectors (simulated processors): health and circuit, start an outage, force the circuit.
import { api } from './api.mjs';
import { badge, debounce, fields, formatTime, h, loader, messageArea, runAction, section, uid } from './dom.mjs';

export function connectorsView() {
  // Each card's health loader: a circuit event refreshes the health panels, not the cards (their messages stay).
  const healthLoaders = new Set();
  const results = h('div', { class: 'results' });
  const load = loader(results, 'Connectors', async () => {
    const list = await api('GET', '/v1/connectors');
    healthLoaders.clear();
    if (list.data.length === 0) return h('p', { class: 'empty' }, 'No connectors.');
    return h('ul', { class: 'cards' }, list.data.map((connector) => connectorCard(connector, healthLoaders)));
  });
  const element = section('Connectors', h('button', { type: 'button', onclick: () => load() }, 'Refresh'), results);
  const refreshHealth = debounce(() => healthLoaders.forEach((loadHealth) => loadHealth()));
  const onEvent = (event) => {
    if (event.type.startsWith('connector.')) refreshHealth();
  };
  return { element, load, onEvent, dispose: refreshHealth.cancel };
}

const OUTAGE_MODES = ['http_5xx', 'timeout', 'connection_reset'];

function connectorCard(connector, healthLoaders) {
  const id = connector.id;
  const message = messageArea();
  const health = h('div', { class: 'health' });
  const loadHealth = loader(health, 'Health', async () => healthFields(await api('GET', `/v1/connectors/${id}/health`)));
  const act = (button, method, path, body, text) => runAction(button, message, async () => {
    const answer = await api(method, `/v1/connectors/${id}/${path}`, body);
    void loadHealth();
    return text(answer);
  });
  const duration = h('input', { id: uid(`outage-${id}`), value: '5m', required: true, size: '6', pattern: '[1-9][0-9]*(ms|s|m|h|d)', autocomplete: 'off' });
  const mode = h('select', { id: uid(`outage-mode-${id}`) }, OUTAGE_MODES.map((value) => h('option', { value }, value)));
  const start = h('button', { type: 'submit' }, 'Start outage');
  const end = h('button', { type: 'button' }, 'End outage');
  const open = h('button', { type: 'button' }, 'Force circuit open');
  const close = h('button', { type: 'button' }, 'Force circuit closed');
  end.addEventListener('click', () => act(end, 'DELETE', 'outages', undefined, () => `${id}: outage ended.`));
  open.addEventListener('click', () => act(open, 'POST', 'circuit', { state: 'open' }, () => `${id}: circuit forced open.`));
  close.addEventListener('click', () => act(close, 'POST', 'circuit', { state: 'closed' }, () => `${id}: circuit forced closed.`));
  const startOutage = (event) => {
    event.preventDefault();
    const body = { for: duration.value.trim(), mode: mode.value };
    void act(start, 'POST', 'outages', body, (answer) => `${id}: outage (${body.mode}) started for ${body.for}${answer?.outage ? `, until ${formatTime(answer.outage.until)}` : ''}.`);
  };
  healthLoaders.add(loadHealth);
  void loadHealth();
  const titleId = uid('connector');
  return h('li', { class: 'card', 'aria-labelledby': titleId, 'data-connector': id },
    h('h3', { id: titleId }, id, ' ', badge(connector.enabled === false ? 'disabled' : 'enabled')),
    h('p', { class: 'hint' }, describeSupport(connector)),
    health,
    h('form', { class: 'toolbar', onsubmit: startOutage, 'aria-label': `Outage for ${id}` },
      h('label', { for: duration.id }, 'Outage for'), duration,
      h('label', { for: mode.id }, 'Mode'), mode, start, end),
    h('p', { class: 'toolbar' }, open, close),
    message.element);
}

function describeSupport(connector) {
  const list = (values) => (Array.isArray(values) && values.length ? values.join(', ') : 'all');
  return `Methods: ${list(connector.methods)} · currencies: ${list(connector.currencies)} · countries: ${list(connector.countries)}`;
}

function healthFields(health) {
  const { circuit, ...rest } = health;
  return [h('p', {}, 'Circuit ', badge(circuit), health.forced ? ' (forced)' : '', health.outage_active ? ' · outage now' : ''),
    fields(rest, ['object', 'connector', 'id', 'forced'])];
}
