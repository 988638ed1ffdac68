/**
 * What an audit entry is about. Features that record configuration changes add their kind here
 * (it is also the list GET /v1/audit-logs?kind= accepts).
 */
export const AUDIT_KINDS = ['api_key', 'webhook_endpoint', 'routing', 'rule', 'connector', 'clock', 'scenario'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** What a caller of AuditService.record says happened. `details` must never hold a secret. */
export interface AuditRecord {
  kind: AuditKind;
  /** A lower-case verb: created, updated, deleted, revoked, rotated_secret, advanced, ... */
  action: string;
  object_id?: string | null;
  details?: Record<string, unknown>;
}
