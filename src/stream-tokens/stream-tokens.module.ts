import { Module } from '@nestjs/common';
import { StreamTokensController } from './stream-tokens.controller';
import { StreamTokensService } from './stream-tokens.service';

@Module({
  controllers: [StreamTokensController],
  providers: [StreamTokensService],
  exports: [StreamTokensService],
})
export class StreamTokensModule {}
