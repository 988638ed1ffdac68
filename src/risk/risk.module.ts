import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { RiskRuleEntity } from './entities/risk-rule.entity';
import { RiskRulesController } from './risk-rules.controller';
import { RiskRulesService } from './risk-rules.service';
import { RiskService } from './risk.service';
import { VelocityService } from './velocity.service';

@Module({
  imports: [TypeOrmModule.forFeature([RiskRuleEntity]), AuditModule],
  controllers: [RiskRulesController],
  providers: [RiskService, RiskRulesService, VelocityService],
  exports: [RiskService],
})
export class RiskModule {}
