/** The scheduled action that expires an authorization at capture_before (handled by AuthorizationExpiry). */
export const AUTHORIZATION_EXPIRY_KIND = 'payment.authorization_expiry';
