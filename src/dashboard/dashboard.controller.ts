import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator';
import { DASHBOARD_CSP, DashboardAsset, DashboardService } from './dashboard.service';

/** The dashboard is a web page, not API surface: public (it signs in with an API key itself) and not in OpenAPI. */
@ApiExcludeController()
@Public()
@SkipThrottle()
@Controller()
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get(['', 'dashboard'])
  page(@Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return send(reply, this.dashboard.page());
  }

  @Get('dashboard/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return send(reply, this.dashboard.asset(file));
  }
}

function send(reply: FastifyReply, asset: DashboardAsset): Buffer {
  void reply
    .type(asset.contentType)
    .header('Cache-Control', 'no-cache')
    .header('Content-Security-Policy', DASHBOARD_CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer');
  return asset.body;
}
