import { CliError, ExitCode } from '../errors';
import { applyOverrides } from './overrides';
import { createPayment, refundPayment } from './recipe-steps';

describe('trigger --override', () => {
  const steps = [createPayment(), refundPayment({ amount: 500 })];

  it('sets typed values on the named step, the first step by default, without touching the recipe', () => {
    const [payment, refund] = applyOverrides(steps, ['amount=5000', 'refund.amount=700', 'payment.metadata.order=42', 'payment.capture_method=manual', 'payment.payment_method.card.number=4000000000000002']);
    expect(payment).toMatchObject({ amount: 5000, metadata: { order: '42' }, capture_method: 'manual', payment_method: { type: 'card', card: { number: '4000000000000002', exp_month: 12 } } });
    expect(refund).toEqual({ amount: 700 });
    expect(steps[0].body.amount).toBe(2000);
  });

  it.each([
    ['payment.amout=1', 'POST /v1/payments has no field "amout"'],
    ['refund.simulate.x=1', 'has no field "simulate.x"'],
    ['amount', 'expected path=value'],
    ['payment..amount=1', 'empty segment'],
    ['amount=1e', 'is not a number'],
    ['metadata={bad', 'expected JSON'],
  ])('%s → usage error (%s)', (override, message) => {
    let error: unknown;
    try {
      applyOverrides(steps, [override]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(ExitCode.Usage);
    expect((error as CliError).message).toContain(message);
  });
});
