// The audit log: configuration changes (keys, endpoints, routing, rules, connectors, clock) with actor and IP.
import { api, query } from './api.mjs';
import { fields, formatTime, h, loader, pager, section, table, uid } from './dom.mjs';

const PAGE_SIZE = 20;
// What GET /v1/audit-logs?kind= accepts.
const KINDS = ['api_key', 'webhook_endpoint', 'routing', 'rule', 'connector', 'clock', 'scenario'];
const state = { kind: '', cursors: [] };

export function auditView() {
  const results = h('div', { class: 'results' });
  const load = loader(results, 'The audit log', async () => {
    const page = await api('GET', `/v1/audit-logs${query({ limit: PAGE_SIZE, kind: state.kind, starting_after: state.cursors.at(-1) })}`);
    return [auditTable(page.data), pager('Audit log', state.cursors, page, load)];
  });
  const kind = h('select', { id: uid('audit-kind'), onchange: () => { state.kind = kind.value; state.cursors.length = 0; load(); } },
    h('option', { value: '' }, 'All'),
    KINDS.map((value) => h('option', { value, selected: value === state.kind }, value)));
  const element = section('Audit log',
    h('form', { class: 'toolbar', onsubmit: (event) => event.preventDefault() },
      h('label', { for: kind.id }, 'Kind'), kind, h('button', { type: 'button', onclick: () => load() }, 'Refresh')),
    results);
  return { element, load };
}

function auditTable(entries) {
  return table('Configuration changes, newest first', [
    { label: 'When', cell: (e) => formatTime(e.created_at) },
    { label: 'Kind', cell: (e) => e.kind },
    { label: 'Action', cell: (e) => e.action },
    { label: 'Object', cell: (e) => (e.object_id ? h('code', {}, e.object_id) : '—') },
    { label: 'Actor', cell: (e) => (e.actor?.api_key_id ? h('code', {}, e.actor.api_key_id) : '—') },
    { label: 'IP', cell: (e) => e.actor?.ip ?? '—' },
    { label: 'Details', cell: (e) => h('details', {}, h('summary', {}, 'Show'), fields({ ...e.details, request_id: e.actor?.request_id, user_agent: e.actor?.user_agent })) },
  ], entries, 'No configuration changes recorded.');
}

