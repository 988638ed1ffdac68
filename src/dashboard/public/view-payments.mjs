// Payments: list with a status filter and pages, a small form to create a test payment.
import { api, query } from './api.mjs';
import { badge, debounce, formatMoney, formatTime, h, loader, messageArea, pager, runAction, section, table } from './dom.mjs';

const STATUSES = ['CREATED', 'REQUIRES_ACTION', 'PROCESSING', 'AUTHORIZED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'FAILED', 'CANCELED'];
const OUTCOMES = ['success', 'card_declined', 'insufficient_funds', 'expired_card', 'incorrect_cvc', 'processing_error', 'fraud_detected'];
const PAGE_SIZE = 20;
// Kept while the tab is open, so coming back from a payment shows the same filter and page.
const state = { status: '', cursors: [] };

export function paymentsView() {
  const results = h('div', { class: 'results' });
  const load = loader(results, 'Payments', async () => {
    const page = await api('GET', `/v1/payments${query({ limit: PAGE_SIZE, status: state.status, starting_after: state.cursors.at(-1) })}`);
    return [paymentsTable(page.data), pager('Payments', state.cursors, page, load)];
  });
  const status = h('select', { id: 'payments-status', onchange: () => { state.status = status.value; state.cursors.length = 0; load(); } },
    h('option', { value: '' }, 'All'),
    STATUSES.map((value) => h('option', { value, selected: value === state.status }, value)));
  const element = section('Payments',
    h('form', { class: 'toolbar', onsubmit: (event) => event.preventDefault() },
      h('label', { for: 'payments-status' }, 'Status'), status,
      h('button', { type: 'button', onclick: () => load() }, 'Refresh')),
    results,
    createForm(() => { state.cursors.length = 0; load(); }));
  // A new or changed payment shows up without a reload while the first page is on screen.
  const refreshSoon = debounce(load);
  const onEvent = (event) => {
    if (event.type.startsWith('payment.') && state.cursors.length === 0) refreshSoon();
  };
  return { element, load, onEvent, dispose: refreshSoon.cancel };
}

function paymentsTable(payments) {
  return table('Payments, newest first', [
    { label: 'ID', cell: (p) => h('a', { href: `#/payments/${p.id}` }, p.id) },
    { label: 'Amount', cell: (p) => formatMoney(p.amount, p.currency) },
    { label: 'Status', cell: (p) => badge(p.status) },
    { label: 'Method', cell: paymentMethod },
    { label: 'Created', cell: (p) => formatTime(p.created_at) },
  ], payments, 'No payments match.');
}

function paymentMethod(payment) {
  const method = payment.payment_method || {};
  if (method.card) return `${method.card.brand ?? 'card'} •••• ${method.card.last4 ?? ''}`;
  return method.type ?? '—';
}

function createForm(onCreated) {
  const message = messageArea();
  const amount = h('input', { id: 'new-amount', name: 'amount', type: 'number', min: '1', step: '1', value: '1000', required: true, inputmode: 'numeric' });
  const currency = h('input', { id: 'new-currency', name: 'currency', value: 'USD', required: true, maxlength: '3', size: '4', autocomplete: 'off' });
  const outcome = h('select', { id: 'new-outcome', name: 'simulate' }, OUTCOMES.map((value) => h('option', { value }, value)));
  const button = h('button', { type: 'submit' }, 'Create payment');
  const submit = (event) => {
    event.preventDefault();
    void runAction(button, message, async () => {
      const payment = await api('POST', '/v1/payments', { amount: Number(amount.value), currency: currency.value, simulate: outcome.value });
      onCreated();
      return `Created ${payment.id} (${payment.status}).`;
    });
  };
  return h('details', { class: 'create' },
    h('summary', {}, 'New test payment'),
    h('form', { class: 'toolbar', onsubmit: submit },
      h('label', { for: 'new-amount' }, 'Amount (minor units)'), amount,
      h('label', { for: 'new-currency' }, 'Currency'), currency,
      h('label', { for: 'new-outcome' }, 'Outcome'), outcome,
      button),
    message.element);
}
