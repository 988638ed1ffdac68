// Webhook endpoints: list, enable/disable, create (the signing secret is shown once).
import { api } from './api.mjs';
import { badge, formatTime, h, loader, messageArea, runAction, section, table } from './dom.mjs';

export function endpointsView() {
  const message = messageArea();
  const results = h('div', { class: 'results' });
  const load = loader(results, 'Webhook endpoints', async () => endpointsTable((await api('GET', '/v1/webhook-endpoints?limit=100')).data, message, () => load()));
  const element = section('Webhook endpoints',
    h('button', { type: 'button', onclick: () => load() }, 'Refresh'),
    message.element,
    results,
    createForm(message, () => load()));
  return { element, load };
}

function endpointsTable(endpoints, message, reload) {
  return table('Webhook endpoints', [
    { label: 'URL', cell: (e) => h('code', { class: 'url' }, e.url) },
    { label: 'Status', cell: (e) => badge(e.status) },
    { label: 'Events', cell: (e) => (e.enabled_events || []).join(', ') },
    { label: 'ID', cell: (e) => h('code', {}, e.id) },
    { label: 'Created', cell: (e) => formatTime(e.created_at) },
    { label: 'Action', cell: (e) => toggleButton(e, message, reload) },
  ], endpoints, 'No webhook endpoints yet: add one below to receive events.');
}

function toggleButton(endpoint, message, reload) {
  const next = endpoint.status === 'enabled' ? 'disabled' : 'enabled';
  const button = h('button', { type: 'button', 'aria-label': `${next === 'enabled' ? 'Enable' : 'Disable'} ${endpoint.url}` },
    next === 'enabled' ? 'Enable' : 'Disable');
  button.addEventListener('click', () => runAction(button, message, async () => {
    await api('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { status: next });
    reload();
    return `${endpoint.id} is now ${next}.`;
  }));
  return button;
}

function createForm(message, reload) {
  const url = h('input', { id: 'endpoint-url', type: 'url', required: true, placeholder: 'https://example.test/webhooks', autocomplete: 'off' });
  const button = h('button', { type: 'submit' }, 'Add endpoint');
  const submit = (event) => {
    event.preventDefault();
    void runAction(button, message, async () => {
      const endpoint = await api('POST', '/v1/webhook-endpoints', { url: url.value.trim() });
      url.value = '';
      reload();
      return `Added ${endpoint.id}. Its signing secret (shown only now): ${endpoint.secret}`;
    });
  };
  return h('form', { class: 'toolbar', onsubmit: submit },
    h('label', { for: 'endpoint-url' }, 'New endpoint URL'), url, button);
}
