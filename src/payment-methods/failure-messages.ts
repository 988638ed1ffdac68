/** Failure codes of the methods that need the customer, with what the payment says about them. */
export const CUSTOMER_STEP_FAILURE_MESSAGES: Readonly<Record<string, string>> = {
  authentication_failed: 'The customer failed 3-D Secure authentication.',
  authentication_abandoned: 'The customer did not complete 3-D Secure authentication in time.',
  payment_declined: 'The payment was declined by the customer’s bank.',
  payment_cancelled: 'The customer cancelled the payment.',
  incorrect_pin: 'The customer entered an incorrect PIN.',
  payment_expired: 'The customer did not answer the payment request before it expired.',
  customer_unreachable: 'The customer’s phone could not be reached.',
};
