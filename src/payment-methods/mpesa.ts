import { randomBytes, createHash } from 'node:crypto';
import { authorized, CustomerStep, declined, StepOutcome } from './customer-step';

/** Safaricom MSISDN: 12 digits, 2547… or 2541…. */
export const MPESA_PHONE_PATTERN = /^254[17]\d{8}$/;
export const MPESA_ANSWER_MS = 3_000;
export const MPESA_UNREACHABLE_MS = 60_000;

/** Phones `2547000` + a 5-digit ResultCode pick the answer. */
const RESULT_CODE_PREFIX = '2547000';

interface ResultCodeSpec {
  code: number;
  failureCode: string | null;
  description: string;
  decidedBy: 'bank' | 'customer';
}

const RESULT_CODES: readonly ResultCodeSpec[] = [
  { code: 0, failureCode: null, description: 'The service request is processed successfully.', decidedBy: 'bank' },
  { code: 1, failureCode: 'insufficient_funds', description: 'The balance is insufficient for the transaction.', decidedBy: 'bank' },
  { code: 1032, failureCode: 'payment_cancelled', description: 'Request cancelled by user.', decidedBy: 'customer' },
  { code: 1037, failureCode: 'customer_unreachable', description: 'DS timeout user cannot be reached.', decidedBy: 'customer' },
  { code: 2001, failureCode: 'incorrect_pin', description: 'The initiator information is invalid.', decidedBy: 'customer' },
  { code: 1019, failureCode: 'payment_expired', description: 'Transaction has expired.', decidedBy: 'customer' },
];
const SUCCESS = RESULT_CODES[0];

export interface MpesaDetails {
  phone: string;
  checkout_request_id: string;
  result_code: number | null;
  result_desc: string | null;
  receipt_number: string | null;
}

/** design-v2 §2, the M-Pesa table: which ResultCode this phone answers with. */
export function mpesaResult(phone: string): ResultCodeSpec {
  if (!phone.startsWith(RESULT_CODE_PREFIX)) return SUCCESS;
  const code = Number(phone.slice(RESULT_CODE_PREFIX.length));
  return RESULT_CODES.find((spec) => spec.code === code) ?? SUCCESS;
}

function outcomeOf(spec: ResultCodeSpec): StepOutcome {
  return spec.failureCode === null ? authorized() : declined(spec.failureCode);
}

export function mpesaStep(phone: string): CustomerStep {
  const spec = mpesaResult(phone);
  const afterMs = spec.failureCode === 'customer_unreachable' ? MPESA_UNREACHABLE_MS : MPESA_ANSWER_MS;
  return {
    kind: 'mpesa',
    approve: spec.decidedBy === 'bank' ? outcomeOf(spec) : authorized(),
    auto: { afterMs, outcome: outcomeOf(spec) },
    expiresAfterMs: null,
    lateAfterMs: null,
  };
}

/** `2547****4149`: the first four and last four digits. */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 4)}****${phone.slice(-4)}`;
}

/** Daraja's shape: ws_CO_ + DDMMYYYYHHmmss + random digits. */
export function newCheckoutRequestId(now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const stamp = `${pad(now.getUTCDate())}${pad(now.getUTCMonth() + 1)}${now.getUTCFullYear()}${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  const digits = Array.from(randomBytes(8), (byte) => byte % 10).join('');
  return `ws_CO_${stamp}${digits}`;
}

/** The M-Pesa receipt of a successful payment: 10 upper-case letters and digits, stable per payment. */
export function receiptNumber(paymentId: string): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  const digest = createHash('sha256').update(paymentId).digest();
  return Array.from(digest.subarray(0, 10), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** `mpesa` after the answer: its ResultCode and description, and the receipt on success. */
export function settledMpesa(details: MpesaDetails, failureCode: string | null, paymentId: string): MpesaDetails {
  const spec = RESULT_CODES.find((candidate) => candidate.failureCode === failureCode) ?? SUCCESS;
  return {
    ...details,
    result_code: spec.code,
    result_desc: spec.description,
    receipt_number: spec.failureCode === null ? receiptNumber(paymentId) : null,
  };
}
