import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiKeyEntity } from '../entities/api-key.entity';

export class ApiKeyView {
  @ApiProperty({ example: 'key_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['api_key'] }) object: 'api_key';
  @ApiProperty({ nullable: true, example: 'ci-pipeline', type: String }) name: string | null;
  @ApiProperty({ example: 'sk_test_' }) prefix: string;
  @ApiProperty({ example: 'x9Qa' }) last4: string;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ nullable: true, type: String }) last_used_at: string | null;
  @ApiProperty({ nullable: true, type: String }) revoked_at: string | null;
  @ApiPropertyOptional({ description: 'Only in the response that created the key: store it now, it is never shown again.' })
  secret?: string;
}

export function toApiKeyView(row: ApiKeyEntity, secret?: string): ApiKeyView {
  return {
    id: row.id,
    object: 'api_key',
    name: row.name,
    prefix: row.prefix,
    last4: row.last4,
    created_at: row.createdAt.toISOString(),
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
    ...(secret ? { secret } : {}),
  };
}
