import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Actor } from '../common/actor';
import { CreateRiskRuleDto } from './dto/create-risk-rule.dto';
import { DeletedRiskRuleView, RiskRuleListView, RiskRuleView } from './dto/risk-rule.view';
import { RiskRulesService } from './risk-rules.service';

@ApiTags('Risk rules')
@ApiBearerAuth()
@Controller('v1/risk-rules')
export class RiskRulesController {
  constructor(private readonly rules: RiskRulesService) {}

  @Get()
  @ApiOperation({
    summary: "The merchant's risk rules in evaluation order",
    description: "Includes the two defaults (block if :risk_level: = 'highest', review if :risk_level: = 'elevated') unless deleted.",
  })
  @ApiOkResponse({ type: RiskRuleListView })
  list(@CurrentActor() actor: Actor): Promise<RiskRuleListView> {
    return this.rules.list(actor);
  }

  @Post()
  @ApiOperation({
    summary: 'Add a rule',
    description:
      'The predicate is parsed and type-checked now: an unknown attribute (including any attempt to limit a rule to a payment method: rules run on card payments only), a wrong operand type, a syntax error, > 1,000 characters or nesting deeper than 20 → 400 naming the position.',
  })
  @ApiCreatedResponse({ type: RiskRuleView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateRiskRuleDto): Promise<RiskRuleView> {
    return this.rules.create(actor, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a rule (the defaults too; they do not come back)' })
  @ApiOkResponse({ type: DeletedRiskRuleView })
  remove(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DeletedRiskRuleView> {
    return this.rules.remove(actor, id);
  }
}
