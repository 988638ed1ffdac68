// The merchant's test clock: where it stands, advance it, freeze or unfreeze it.
import { api } from './api.mjs';
import { fill, formatTime, h, loadFailure, messageArea, runAction, section } from './dom.mjs';

export function clockView() {
  const message = messageArea();
  const status = h('div', { class: 'results' });
  const show = (clock) => fill(status, clockFields(clock));
  const load = async () => {
    try {
      show(await api('GET', '/v1/test-clock'));
    } catch (error) {
      fill(status, loadFailure('The test clock', error));
    }
  };
  const post = (path, body, done) => async () => {
    const clock = await api('POST', path, body);
    show(clock);
    return done(clock);
  };
  const by = h('input', { id: 'clock-by', required: true, value: '1h', pattern: '[1-9][0-9]*(ms|s|m|h|d)', autocomplete: 'off', 'aria-describedby': 'clock-by-help' });
  const advance = h('button', { type: 'submit' }, 'Advance');
  const freeze = h('button', { type: 'button' }, 'Freeze');
  const unfreeze = h('button', { type: 'button' }, 'Unfreeze');
  freeze.addEventListener('click', () => runAction(freeze, message, post('/v1/test-clock/freeze', undefined, () => 'Clock frozen.')));
  unfreeze.addEventListener('click', () => runAction(unfreeze, message, post('/v1/test-clock/unfreeze', undefined, () => 'Clock follows the wall clock again.')));
  const submit = (event) => {
    event.preventDefault();
    void runAction(advance, message, post('/v1/test-clock/advance', { by: by.value.trim() }, (clock) => `Advanced by ${by.value.trim()}: now ${formatTime(clock.now)}.`));
  };
  const element = section('Test clock',
    status,
    h('form', { class: 'toolbar', onsubmit: submit },
      h('label', { for: 'clock-by' }, 'Advance by'), by, advance,
      h('span', { id: 'clock-by-help', class: 'hint' }, 'A number and a unit: ms, s, m, h or d (e.g. 7d). Due work runs on the way.')),
    h('p', { class: 'toolbar' }, freeze, unfreeze),
    message.element);
  return { element, load };
}

function clockFields(clock) {
  return h('dl', { class: 'fields clock' },
    h('dt', {}, 'Merchant time'), h('dd', { id: 'clock-now' }, formatTime(clock.now)),
    h('dt', {}, 'Offset from wall clock'), h('dd', {}, `${clock.offset_ms} ms`),
    h('dt', {}, 'Frozen'), h('dd', {}, clock.frozen ? 'yes' : 'no'),
    h('dt', {}, 'Status'), h('dd', {}, clock.status ?? '—'));
}
