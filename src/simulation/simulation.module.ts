import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TimelineRegistryModule } from '../timeline/timeline-registry.module';
import { SimulatedFaultEntity } from './entities/simulated-fault.entity';
import { SimulationScenarioEntity } from './entities/simulation-scenario.entity';
import { ScenariosController } from './scenarios.controller';
import { ScenariosService } from './scenarios.service';
import { SimulatedFaultTimelineSource } from './simulated-fault-timeline.source';
import { SimulationService } from './simulation.service';

/** Failures on purpose (design-v2 §5): API faults (with the lost responses on payment timelines) and ordered outcomes (scenarios). */
@Module({
  imports: [TimelineRegistryModule, TypeOrmModule.forFeature([SimulationScenarioEntity, SimulatedFaultEntity])],
  controllers: [ScenariosController],
  providers: [SimulationService, ScenariosService, SimulatedFaultTimelineSource],
  exports: [SimulationService],
})
export class SimulationModule {}
