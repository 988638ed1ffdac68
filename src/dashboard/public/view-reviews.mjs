// Risk reviews: open ones first, each with Approve.
import { api, query } from './api.mjs';
import { badge, debounce, formatTime, h, loader, messageArea, runAction, section, table } from './dom.mjs';

const state = { status: 'open' };

export function reviewsView() {
  const message = messageArea();
  const results = h('div', { class: 'results' });
  const load = loader(results, 'Reviews', async () => {
    const list = await api('GET', `/v1/reviews${query({ status: state.status, limit: 100 })}`);
    return reviewsTable(list.data, message, () => load());
  });
  const status = h('select', { id: 'reviews-status', onchange: () => { state.status = status.value; load(); } },
    [['open', 'Open'], ['closed', 'Closed'], ['', 'All']].map(([value, label]) => h('option', { value, selected: value === state.status }, label)));
  const element = section('Reviews',
    h('form', { class: 'toolbar', onsubmit: (event) => event.preventDefault() },
      h('label', { for: 'reviews-status' }, 'Status'), status,
      h('button', { type: 'button', onclick: () => load() }, 'Refresh')),
    message.element,
    results);
  const refreshSoon = debounce(load);
  const onEvent = (event) => {
    if (event.type.startsWith('review.')) refreshSoon();
  };
  return { element, load, onEvent, dispose: refreshSoon.cancel };
}

function reviewsTable(reviews, message, reload) {
  return table('Reviews', [
    { label: 'Review', cell: (r) => h('code', {}, r.id) },
    { label: 'Payment', cell: (r) => h('a', { href: `#/payments/${r.payment_id}` }, r.payment_id) },
    { label: 'Reason', cell: (r) => r.reason ?? '—' },
    { label: 'Status', cell: (r) => [badge(r.status), r.closed_reason ? ` ${r.closed_reason}` : ''] },
    { label: 'Opened', cell: (r) => formatTime(r.created_at) },
    { label: 'Action', cell: (r) => (r.status === 'open' ? approveButton(r, message, reload) : '—') },
  ], reviews, state.status === 'open' ? 'No open reviews.' : 'No reviews.');
}

function approveButton(review, message, reload) {
  const button = h('button', { type: 'button', 'aria-label': `Approve ${review.id}` }, 'Approve');
  button.addEventListener('click', () => runAction(button, message, async () => {
    await api('POST', `/v1/reviews/${review.id}/approve`);
    reload();
    return `Approved ${review.id}.`;
  }));
  return button;
}
