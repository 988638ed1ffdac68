/** Who is calling: resolved by the API-key guard, passed explicitly to services. */
export interface Actor {
  merchantId: string;
  apiKeyId: string;
  requestId: string;
}
