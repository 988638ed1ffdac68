// Sign-in, navigation (hash routes) and the live feed. Each panel lives in its own view module.
import { api, session, whenUnauthorized } from './api.mjs';
import { describeError, h } from './dom.mjs';
import { startLiveFeed } from './live.mjs';
import { auditView } from './view-audit.mjs';
import { clockView } from './view-clock.mjs';
import { connectorsView } from './view-connectors.mjs';
import { endpointsView } from './view-endpoints.mjs';
import { eventsView } from './view-events.mjs';
import { paymentView } from './view-payment.mjs';
import { paymentsView } from './view-payments.mjs';
import { reviewsView } from './view-reviews.mjs';

// '#/payments/pay_1' → paymentView({ id: 'pay_1' }). A view renders into <main> and may return
// { onEvent(event), dispose() }: live events go to the view on screen.
const ROUTES = [
  [/^\/payments\/([^/]+)$/, (match) => paymentView({ id: decodeURIComponent(match[1]) })],
  [/^\/(payments)?$/, () => paymentsView()],
  [/^\/events$/, () => eventsView()],
  [/^\/endpoints$/, () => endpointsView()],
  [/^\/connectors$/, () => connectorsView()],
  [/^\/reviews$/, () => reviewsView()],
  [/^\/clock$/, () => clockView()],
  [/^\/audit$/, () => auditView()],
];

const $ = (id) => document.getElementById(id);
let current;
let stopFeed;

function route() {
  const path = location.hash.replace(/^#/, '') || '/';
  const found = ROUTES.map(([pattern, view]) => [pattern.exec(path), view]).find(([match]) => match);
  current?.dispose?.();
  const main = $('main');
  main.replaceChildren();
  markCurrentLink(path);
  if (!found) {
    main.append(h('p', { role: 'alert', class: 'message error' }, `No page at ${path}.`));
    current = undefined;
    return;
  }
  current = found[1](found[0]);
  main.append(current.element);
  current.load?.();
}

function markCurrentLink(path) {
  const section = path.split('/')[1] || 'payments';
  for (const link of document.querySelectorAll('nav.sections a')) {
    if (link.getAttribute('href') === `#/${section}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function enter() {
  const merchant = await api('GET', '/v1/merchants/me');
  $('who').textContent = `Signed in as ${merchant.name} (${merchant.id})`;
  $('who').hidden = false;
  $('sign-out').hidden = false;
  $('sign-in').hidden = true;
  $('signed-in').hidden = false;
  stopFeed = startLiveFeed({ status: $('live-status'), list: $('live-list') }, (event) => current?.onEvent?.(event));
  route();
}

function leave(message = '') {
  session.signOut();
  stopFeed?.();
  stopFeed = undefined;
  current?.dispose?.();
  current = undefined;
  $('main').replaceChildren();
  $('who').hidden = true;
  $('sign-out').hidden = true;
  $('signed-in').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  $('api-key').focus();
}

async function signIn(event) {
  event.preventDefault();
  const input = $('api-key');
  const button = event.target.querySelector('button');
  button.disabled = true;
  $('sign-in-error').textContent = '';
  session.signIn(input.value.trim());
  try {
    await enter();
    input.value = '';
  } catch (error) {
    leave(error.status === 401 ? 'That API key was not accepted.' : `Could not sign in: ${describeError(error)}`);
  } finally {
    button.disabled = false;
  }
}

function boot() {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => leave('Signed out.'));
  whenUnauthorized(() => leave('Your API key is no longer accepted. Sign in again.'));
  window.addEventListener('hashchange', () => {
    if (!session.key()) return;
    route();
    $('main').focus();
  });
  if (session.key()) enter().catch((error) => leave(`Could not sign in: ${describeError(error)}`));
}

boot();
