// The audit log: configuration changes (keys, endpoints, routing, rules, connectors, clock) with actor and IP.
import { api, query } from './api.mjs';
import { fields, formatTime, h, loader, pager, section, table, uid } from './dom.mjs';

const PAGE_SIZE = 20;
const state = { kind: '', cursors: [] };

export function auditView() {
  const results = h('div', { class: 'results' });
  const load = loader(results, 'The audit log', async () => {
    const page = await api('GET', `/v1/audit-logs${query({ limit: PAGE_SIZE, kind: state.kind, starting_after: state.cursors.at(-1) })}`);
    return [auditTable(page.data), pager('Audit log', state.cursors, page, load)];
  });
  const kind = h('input', { id: uid('audit-kind'), value: state.kind, autocomplete: 'off', placeholder: 'e.g. webhook_endpoint' });
  const submit = (event) => {
    event.preventDefault();
    state.kind = kind.value.trim();
    state.cursors.length = 0;
    load();
  };
  const element = section('Audit log',
    h('form', { class: 'toolbar', onsubmit: submit },
      h('label', { for: kind.id }, 'Kind'), kind, h('button', { type: 'submit' }, 'Filter')),
    results);
  return { element, load };
}

function auditTable(entries) {
  return table('Configuration changes, newest first', [
    { label: 'When', cell: (e) => formatTime(e.at ?? e.created_at) },
    { label: 'Kind', cell: (e) => e.kind ?? '—' },
    { label: 'Action', cell: (e) => e.action ?? '—' },
    { label: 'Actor', cell: (e) => actorOf(e) },
    { label: 'IP', cell: (e) => e.client_ip ?? e.ip ?? '—' },
    { label: 'Details', cell: (e) => h('details', {}, h('summary', {}, 'Show'), fields(e)) },
  ], entries, 'No configuration changes recorded.');
}

function actorOf(entry) {
  const actor = entry.actor_key_id ?? entry.actor ?? entry.api_key_id;
  if (!actor) return '—';
  return typeof actor === 'string' ? actor : (actor.api_key_id ?? actor.id ?? JSON.stringify(actor));
}
