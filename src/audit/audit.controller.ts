import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { AuditService } from './audit.service';
import { AuditLogListView } from './dto/audit-log.view';
import { ListAuditLogsQueryDto } from './dto/list-audit-logs.query';

@ApiTags('Audit log')
@ApiBearerAuth()
@Controller('v1/audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'Configuration changes, newest first',
    description: 'API keys, webhook endpoints, routing, rules, connectors and the clock: who (API key, IP, user agent) changed what, when.',
  })
  @ApiOkResponse({ type: AuditLogListView })
  list(@CurrentActor() actor: Actor, @Query() query: ListAuditLogsQueryDto): Promise<AuditLogListView> {
    return this.audit.list(actor, query);
  }
}
