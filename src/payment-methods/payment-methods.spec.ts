import { outcomeOfAction, outcomeOfTimer, stepEvent, StepOutcome } from './customer-step';
import { maskPhone, mpesaResult, mpesaStep, receiptNumber, settledMpesa } from './mpesa';
import { planPaymentMethod, validatePaymentMethod } from './payment-method-plan';
import { decideThreeDSecure, threeDSecureStep } from './three-d-secure';
import { npciCode, upiBehaviour, upiIntentUrl, upiStep, VPA_PATTERN } from './upi';
import { MPESA_PHONE_PATTERN } from './mpesa';

const AUTHORIZED: StepOutcome = { result: 'authorized' };
const declined = (failureCode: string): StepOutcome => ({ result: 'declined', failureCode });

describe('3-D Secure: the card table', () => {
  it.each([
    ['4000002760003184', 'automatic', true, null, { result: null, flow: 'challenge' }],
    ['4000002760003184', 'required', true, null, { result: null, flow: 'challenge' }],
    ['4000000000003220', 'automatic', true, null, { result: null, flow: 'challenge' }],
    ['4000008400001629', 'automatic', true, 'card_declined', { result: null, flow: 'challenge' }],
    ['4000008260003178', 'required', true, 'insufficient_funds', { result: null, flow: 'challenge' }],
    ['4000000000003055', 'automatic', false, undefined, { result: 'authenticated', flow: 'frictionless' }],
    ['4000000000003055', 'required', false, undefined, { result: 'authenticated', flow: 'frictionless' }],
    ['378282246310005', 'automatic', false, undefined, { result: 'not_supported', flow: null }],
    ['378282246310005', 'required', false, undefined, { result: 'not_supported', flow: null }],
    ['4242424242424242', 'required', false, undefined, { result: 'attempt_acknowledged', flow: null }],
    ['4242424242424242', 'automatic', false, undefined, { result: null, flow: null }],
    ['5555555555554444', 'automatic', false, undefined, { result: null, flow: null }],
    ['5555555555554444', 'required', true, null, { result: null, flow: 'challenge' }],
    ['4000000000000002', 'required', true, null, { result: null, flow: 'challenge' }],
  ] as const)('%s under %s: challenge %s, declines after authentication with %s, shows %j', (number, mode, challenge, declineAfter, details) => {
    const decision = decideThreeDSecure(number, mode);
    expect(decision.challenge).toBe(challenge);
    expect(decision.details).toEqual(details);
    if (decision.challenge) expect(decision.declineAfterAuthentication).toBe(declineAfter);
  });

  it('the challenge plan: approve gets the bank’s answer (the table wins over the usual card outcome); expiry after the timeout', () => {
    const declining = decideThreeDSecure('4000008400001629', 'automatic');
    const plain = decideThreeDSecure('5555555555554444', 'required');
    if (!declining.challenge || !plain.challenge) throw new Error('expected challenges');
    expect(threeDSecureStep(declining, null, 600_000)).toEqual({
      kind: 'three_d_secure',
      approve: declined('card_declined'),
      auto: null,
      expiresAfterMs: 600_000,
      lateAfterMs: null,
    });
    expect(threeDSecureStep(declining, 'insufficient_funds', 1).approve).toEqual(declined('card_declined'));
    expect(threeDSecureStep(plain, null, 1).approve).toEqual(AUTHORIZED);
    expect(threeDSecureStep(plain, 'expired_card', 1).approve).toEqual(declined('expired_card'));
  });
});

describe('UPI: the VPA and intent-amount table', () => {
  it.each([
    ['success@sandbox', 'collect', 2000, AUTHORIZED, 'bank'],
    ['SUCCESS@Razorpay', 'collect', 2000, AUTHORIZED, 'bank'],
    ['failure@sandbox', 'collect', 2000, declined('payment_declined'), 'bank'],
    ['failure@razorpay', 'intent', 2000, declined('payment_declined'), 'bank'],
    ['cancel@sandbox', 'collect', 2000, declined('payment_cancelled'), 'customer'],
    ['wrongpin@sandbox', 'collect', 2000, declined('incorrect_pin'), 'customer'],
    ['nofunds@sandbox', 'collect', 2000, declined('insufficient_funds'), 'bank'],
    [undefined, 'intent', 402, declined('payment_declined'), 'bank'],
    [undefined, 'intent', 302, declined('payment_cancelled'), 'customer'],
    [undefined, 'intent', 204, declined('incorrect_pin'), 'customer'],
    [undefined, 'intent', 201, declined('insufficient_funds'), 'bank'],
    [undefined, 'intent', 2000, AUTHORIZED, 'bank'],
    ['someone@okhdfc', 'collect', 402, AUTHORIZED, 'bank'],
    ['failure@otherbank', 'collect', 2000, AUTHORIZED, 'bank'],
  ] as const)('%s (%s, amount %d) answers %j, decided by the %s', (vpa, flow, amount, outcome, decidedBy) => {
    expect(upiBehaviour(vpa, flow, amount)).toEqual({ kind: 'answers', outcome, decidedBy });
  });

  it('expire@ never answers; late@ answers late; both only by their expiry', () => {
    expect(upiBehaviour('expire@sandbox', 'collect', 2000)).toEqual({ kind: 'never_answers' });
    expect(upiBehaviour('late@razorpay', 'collect', 2000)).toEqual({ kind: 'late' });
    expect(upiStep('expire@sandbox', 'collect', 2000, 60)).toEqual({ kind: 'upi', approve: AUTHORIZED, auto: null, expiresAfterMs: 60_000, lateAfterMs: null });
    expect(upiStep('late@sandbox', 'collect', 2000, 600)).toEqual({ kind: 'upi', approve: AUTHORIZED, auto: null, expiresAfterMs: 600_000, lateAfterMs: 600_000 });
  });

  it('answering steps answer after 3 s; approve keeps only the bank’s answers', () => {
    expect(upiStep('wrongpin@sandbox', 'collect', 2000, 600)).toEqual({
      kind: 'upi',
      approve: AUTHORIZED,
      auto: { afterMs: 3_000, outcome: declined('incorrect_pin') },
      expiresAfterMs: 600_000,
      lateAfterMs: null,
    });
    expect(upiStep('nofunds@sandbox', 'collect', 2000, 600).approve).toEqual(declined('insufficient_funds'));
  });

  it.each([
    [null, '00'],
    ['payment_declined', 'U30'],
    ['payment_cancelled', 'ZA'],
    ['incorrect_pin', 'ZM'],
    ['insufficient_funds', 'Z9'],
    ['payment_expired', 'U69'],
  ])('npci_code of %s is %s', (failureCode, code) => {
    expect(npciCode(failureCode)).toBe(code);
  });

  it.each([
    ['success@sandbox', true],
    ['first.last-1_x@okicici', true],
    ['ab@c', false],
    ['a@bank', false],
    ['no-at-sign', false],
    ['two@@signs', false],
    ['space in@bank', false],
    ['payer@9bank', false],
  ])('VPA %s valid: %s', (vpa, valid) => {
    expect(VPA_PATTERN.test(vpa)).toBe(valid);
  });

  it('the intent link is upi://pay with payee, amount in rupees, INR and the payment as reference', () => {
    const link = new URL(upiIntentUrl('pay_1', 12_345));
    expect(link.protocol).toBe('upi:');
    expect(Object.fromEntries(link.searchParams)).toEqual({
      pa: 'sandbox.merchant@razorpay',
      pn: 'Payment Sandbox',
      tr: 'pay_1',
      tn: 'Payment pay_1',
      am: '123.45',
      cu: 'INR',
    });
  });
});

describe('M-Pesa: the phone table', () => {
  it.each([
    ['254708374149', 0, null, 3_000, AUTHORIZED],
    ['254700000001', 1, 'insufficient_funds', 3_000, declined('insufficient_funds')],
    ['254700001032', 1032, 'payment_cancelled', 3_000, AUTHORIZED],
    ['254700001037', 1037, 'customer_unreachable', 60_000, AUTHORIZED],
    ['254700002001', 2001, 'incorrect_pin', 3_000, AUTHORIZED],
    ['254700001019', 1019, 'payment_expired', 3_000, AUTHORIZED],
    ['254700009999', 0, null, 3_000, AUTHORIZED],
    ['254112345678', 0, null, 3_000, AUTHORIZED],
  ])('%s → ResultCode %d (%s) after %d ms; approve → %j', (phone, code, failureCode, afterMs, approve) => {
    expect(mpesaResult(phone)).toMatchObject({ code, failureCode });
    const step = mpesaStep(phone);
    expect(step.auto).toEqual({ afterMs, outcome: failureCode ? declined(failureCode) : AUTHORIZED });
    expect(step.approve).toEqual(approve);
    expect(step.expiresAfterMs).toBeNull();
  });

  it.each([
    ['254708374149', true],
    ['254112345678', true],
    ['254908374149', false],
    ['25470837414', false],
    ['2547083741490', false],
    ['+254708374149', false],
    ['0708374149', false],
  ])('phone %s valid: %s', (phone, valid) => {
    expect(MPESA_PHONE_PATTERN.test(phone)).toBe(valid);
  });

  it('masks the phone as 2547****4149 and settles code, description and a stable receipt', () => {
    expect(maskPhone('254708374149')).toBe('2547****4149');
    const pending = { phone: '2547****4149', checkout_request_id: 'ws_CO_1', result_code: null, result_desc: null, receipt_number: null };
    expect(settledMpesa(pending, null, 'pay_1')).toEqual({
      ...pending,
      result_code: 0,
      result_desc: 'The service request is processed successfully.',
      receipt_number: receiptNumber('pay_1'),
    });
    expect(receiptNumber('pay_1')).toMatch(/^[A-Z0-9]{10}$/);
    expect(receiptNumber('pay_2')).not.toBe(receiptNumber('pay_1'));
    expect(settledMpesa(pending, 'customer_unreachable', 'pay_1')).toMatchObject({ result_code: 1037, receipt_number: null });
  });
});

describe('customer actions and timers', () => {
  const upiStepPlan = upiStep('failure@sandbox', 'collect', 2000, 600);
  const threeDs = threeDSecureStep({ challenge: true, details: { result: null, flow: 'challenge' }, declineAfterAuthentication: null }, null, 1);

  it.each([
    ['approve', 'UPI failure@sandbox', upiStepPlan, declined('payment_declined')],
    ['fail', 'UPI failure@sandbox', upiStepPlan, declined('incorrect_pin')],
    ['cancel', 'UPI failure@sandbox', upiStepPlan, declined('payment_cancelled')],
    ['abandon', 'UPI failure@sandbox', upiStepPlan, { result: 'expired', failureCode: 'payment_expired' }],
    ['approve', '3DS', threeDs, AUTHORIZED],
    ['fail', '3DS', threeDs, declined('authentication_failed')],
    ['cancel', '3DS', threeDs, declined('payment_cancelled')],
    ['abandon', '3DS', threeDs, { result: 'expired', failureCode: 'authentication_abandoned' }],
  ] as const)('%s on a %s step → %j', (action, _label, step, outcome) => {
    expect(outcomeOfAction(step, action)).toEqual(outcome);
  });

  it('timers: auto gives the planned answer (none for 3DS), expire the method’s expiry', () => {
    expect(outcomeOfTimer(upiStepPlan, 'auto')).toEqual(declined('payment_declined'));
    expect(outcomeOfTimer(threeDs, 'auto')).toBeNull();
    expect(outcomeOfTimer(threeDs, 'expire')).toEqual({ result: 'expired', failureCode: 'authentication_abandoned' });
  });

  it('maps outcomes to machine events', () => {
    expect(stepEvent(AUTHORIZED)).toEqual({ type: 'AUTHORIZE' });
    expect(stepEvent(declined('x'))).toEqual({ type: 'DECLINE', failureCode: 'x' });
    expect(stepEvent({ result: 'expired', failureCode: 'payment_expired' })).toEqual({ type: 'EXPIRE', failureCode: 'payment_expired' });
  });
});

describe('validation and planning', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  const options = { threeDSecureTimeoutMs: 600_000, now };

  it.each([
    [{ amount: 2000, currency: 'usd', payment_method: { type: 'upi', upi: { vpa: 'success@sandbox', flow: 'collect' } } }, 'currency'],
    [{ amount: 2000, currency: 'inr', payment_method: { type: 'upi', upi: { flow: 'collect' } } }, 'payment_method.upi.vpa'],
    [{ amount: 10_000, currency: 'usd', payment_method: { type: 'mpesa', mpesa: { phone: '254708374149' } } }, 'currency'],
    [{ amount: 10_001, currency: 'kes', payment_method: { type: 'mpesa', mpesa: { phone: '254708374149' } } }, 'amount'],
    [{ amount: 10_000, currency: 'kes', payment_method: { type: 'mpesa', mpesa: { phone: '254708374149' } }, three_d_secure: 'required' }, 'three_d_secure'],
    [{ amount: 10_000, currency: 'kes', payment_method: { type: 'mpesa', mpesa: { phone: '254708374149' } }, return_url: 'https://x.example' }, 'return_url'],
    [{ amount: 2000, currency: 'inr', payment_method: { type: 'upi', upi: { flow: 'intent' } }, simulate: 'card_declined' }, 'simulate'],
  ])('%j → 400 naming %s', (request, param) => {
    expect(() => validatePaymentMethod(request as never)).toThrow(expect.objectContaining({ param }));
  });

  it('accepts INR for UPI in any case and KES whole shillings', () => {
    expect(() => validatePaymentMethod({ amount: 2000, currency: 'Inr', payment_method: { type: 'upi', upi: { flow: 'intent' } } } as never)).not.toThrow();
    expect(() => validatePaymentMethod({ amount: 100, currency: 'kes', payment_method: { type: 'mpesa', mpesa: { phone: '254708374149' } } } as never)).not.toThrow();
  });

  it('plans: immediate v1 card, 3DS challenge, UPI and M-Pesa steps with their details', () => {
    const cardNumber = { number: '4000002760003184', exp_month: 12, exp_year: 2040 };
    expect(planPaymentMethod({ amount: 2000, currency: 'usd' }, { ...cardNumber, number: '4242424242424242' }, 'success', options).plan).toEqual({ kind: 'immediate' });
    const challenge = planPaymentMethod({ amount: 2000, currency: 'usd', return_url: 'https://r.example' }, cardNumber, 'success', options);
    expect(challenge.details).toEqual({ method: 'card', threeDSecure: { result: null, flow: 'challenge' }, upi: null, mpesa: null, returnUrl: 'https://r.example' });
    expect(challenge.plan).toMatchObject({ kind: 'customer_step', enter: 'REQUIRE_ACTION' });
    expect(planPaymentMethod({ amount: 2000, currency: 'usd', simulate: 'network_timeout' }, cardNumber, 'network_timeout', options).plan).toEqual({ kind: 'immediate' });
    const pay = planPaymentMethod({ amount: 2000, currency: 'inr', payment_method: { type: 'upi', upi: { flow: 'intent' } } } as never, null, 'success', options);
    expect(pay.details.upi).toEqual({ vpa: null, flow: 'intent', npci_code: null });
    expect(pay.plan).toMatchObject({ kind: 'customer_step', enter: 'PROCESS', step: { kind: 'upi', expiresAfterMs: 600_000 } });
    const mp = planPaymentMethod({ amount: 10_000, currency: 'kes', payment_method: { type: 'mpesa', mpesa: { phone: '254708374149' } } } as never, null, 'success', options);
    expect(mp.details.mpesa).toEqual({ phone: '2547****4149', checkout_request_id: expect.stringMatching(/^ws_CO_01122026100000\d{8}$/), result_code: null, result_desc: null, receipt_number: null });
  });
});
