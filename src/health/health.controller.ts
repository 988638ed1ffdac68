import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/public.decorator';
import { HealthService } from './health.service';

@ApiTags('Health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live() {
    return this.health.live();
  }

  @Get('ready')
  @ApiOperation({ summary: 'The database (and Redis, when configured) are reachable; 503 otherwise' })
  ready() {
    return this.health.ready();
  }
}
