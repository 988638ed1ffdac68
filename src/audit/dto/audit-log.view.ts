import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_KINDS } from '../audit-kinds';
import { AuditLogEntity } from '../entities/audit-log.entity';

export class AuditLogView {
  @ApiProperty({ example: 'aud_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['audit_log'] }) object: 'audit_log';
  @ApiProperty({ enum: AUDIT_KINDS, example: 'webhook_endpoint' }) kind: string;
  @ApiProperty({ example: 'updated' }) action: string;
  @ApiProperty({ nullable: true, type: String, example: 'we_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) object_id: string | null;
  @ApiProperty({
    example: { api_key_id: 'key_01JD4C1Z0K3M5N7P9Q2R4S6T8V', request_id: 'req_01JD4C1Z0K3M5N7P9Q2R4S6T8V', ip: '203.0.113.7', user_agent: 'curl/8.5.0' },
    description: 'Who changed it, from where (null fields when unknown).',
  })
  actor: { api_key_id: string | null; request_id: string | null; ip: string | null; user_agent: string | null };
  @ApiProperty({ example: { changed: ['url'], url: 'https://example.com/hooks' }, description: 'What changed (never a secret).' })
  details: Record<string, unknown>;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z', description: 'Merchant time.' }) created_at: string;
}

export class AuditLogListView {
  @ApiProperty({ enum: ['list'] }) object: 'list';
  @ApiProperty({ type: [AuditLogView] }) data: AuditLogView[];
  @ApiProperty({ example: false }) has_more: boolean;
}

export function toAuditLogView(row: AuditLogEntity): AuditLogView {
  return {
    id: row.id,
    object: 'audit_log',
    kind: row.kind,
    action: row.action,
    object_id: row.objectId,
    actor: { api_key_id: row.apiKeyId, request_id: row.requestId, ip: row.ip, user_agent: row.userAgent },
    details: row.details,
    created_at: row.createdAt.toISOString(),
  };
}
