/** The 3-D Secure pages: plain HTML, inline style only, no scripts, no external assets. */

export interface HtmlPage {
  status: number;
  html: string;
}

/** No external assets can load (and no scripts run) on these pages. */
export const CHALLENGE_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a2e}
h1{font-size:1.3rem}.amount{font-size:1.6rem;font-weight:600}.muted{color:#555}
form{display:inline-block;margin:.5rem .5rem 0 0}button{font-size:1rem;padding:.6rem 1.2rem;border-radius:.4rem;border:1px solid #888;cursor:pointer}
button.primary{background:#1a7f37;color:#fff;border-color:#1a7f37}`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

export interface ChallengeSummary {
  paymentId: string;
  amount: string;
  cardLast4: string | null;
  actionPath: string;
}

function choiceForm(actionPath: string, choice: string, label: string, primary = false): string {
  return `<form method="post" action="${escapeHtml(actionPath)}"><input type="hidden" name="choice" value="${choice}">` +
    `<button type="submit"${primary ? ' class="primary"' : ''}>${label}</button></form>`;
}

export function challengePage(summary: ChallengeSummary): HtmlPage {
  const card = summary.cardLast4 ? ` with the card ending in ${escapeHtml(summary.cardLast4)}` : '';
  const body = `<h1>3-D Secure test authentication</h1>
<p class="muted">Payment Sandbox — no real bank is involved.</p>
<p class="amount">${escapeHtml(summary.amount)}</p>
<p>Authenticate the payment <code>${escapeHtml(summary.paymentId)}</code>${card}?</p>
${choiceForm(summary.actionPath, 'complete', 'Complete', true)}
${choiceForm(summary.actionPath, 'fail', 'Fail')}
${choiceForm(summary.actionPath, 'cancel', 'Cancel')}`;
  return { status: 200, html: layout('3-D Secure authentication', body) };
}

export function resultPage(paymentId: string, redirectStatus: string): HtmlPage {
  const body = `<h1>Authentication ${escapeHtml(redirectStatus)}</h1>
<p>Payment <code>${escapeHtml(paymentId)}</code>: <strong id="redirect_status">${escapeHtml(redirectStatus)}</strong>.</p>
<p class="muted">No return_url was given, so there is nowhere to send you back. You can close this page.</p>`;
  return { status: 200, html: layout('Authentication finished', body) };
}

export function expiredPage(): HtmlPage {
  const body = `<h1>This authentication page has expired</h1>
<p>The link was already used, the challenge timed out, or the payment no longer waits for authentication. Nothing was changed.</p>`;
  return { status: 410, html: layout('Expired', body) };
}
