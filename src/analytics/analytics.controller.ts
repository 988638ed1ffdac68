import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { AnalyticsService } from './analytics.service';
import { AnalyticsQueryDto } from './dto/analytics-query.dto';
import { AnalyticsSummaryView } from './dto/analytics-summary.view';

@ApiTags('Analytics')
@ApiBearerAuth()
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('summary')
  @ApiOperation({
    summary: 'Counts, volume, success rate and declines over a time range',
    description: 'Payments created in [from, to) (merchant time): by status and currency, success rate, top decline codes, per-connector success rate and p95. A reversed range or one longer than a year is 400.',
  })
  @ApiOkResponse({ type: AnalyticsSummaryView })
  summary(@CurrentActor() actor: Actor, @Query() query: AnalyticsQueryDto): Promise<AnalyticsSummaryView> {
    return this.analytics.summary(actor, query);
  }
}
