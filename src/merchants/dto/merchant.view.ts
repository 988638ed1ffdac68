import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiKeyView } from '../../api-keys/dto/api-key.view';
import { MerchantEntity } from '../entities/merchant.entity';

export class MerchantView {
  @ApiProperty({ example: 'mer_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['merchant'] }) object: 'merchant';
  @ApiProperty({ example: 'Acme QA' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: 'qa@acme.test' }) email: string | null;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) created_at: string;
  @ApiPropertyOptional({ type: ApiKeyView, description: 'The first API key, with its secret (sign-up response only).' })
  api_key?: ApiKeyView;
}

export function toMerchantView(row: MerchantEntity, apiKey?: ApiKeyView): MerchantView {
  return {
    id: row.id,
    object: 'merchant',
    name: row.name,
    email: row.email,
    created_at: row.createdAt.toISOString(),
    ...(apiKey ? { api_key: apiKey } : {}),
  };
}
