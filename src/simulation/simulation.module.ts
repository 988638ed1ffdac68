import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SimulationScenarioEntity } from './entities/simulation-scenario.entity';
import { ScenariosController } from './scenarios.controller';
import { ScenariosService } from './scenarios.service';
import { SimulationService } from './simulation.service';

/** Failures on purpose (design-v2 §5): API faults and ordered outcomes (scenarios). */
@Module({
  imports: [TypeOrmModule.forFeature([SimulationScenarioEntity])],
  controllers: [ScenariosController],
  providers: [SimulationService, ScenariosService],
  exports: [SimulationService],
})
export class SimulationModule {}
