import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ListQueryDto } from '../../common/pagination';
import { AUDIT_KINDS, AuditKind } from '../audit-kinds';

export class ListAuditLogsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_KINDS, example: 'webhook_endpoint', description: 'Only entries about this kind of object.' })
  @IsOptional()
  @IsIn(AUDIT_KINDS, { message: `kind must be one of: ${AUDIT_KINDS.join(', ')}` })
  kind?: AuditKind;
}
