import { Module, type DynamicModule } from '@nestjs/common';
import { SentinelModule } from '../../src/index.js';
import { EndpointController } from './endpoint.controller.js';
import type { SampleConfig } from './sample-config.js';

@Module({})
export class AppModule {
  static register(config: SampleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [SentinelModule.forRoot(config.sentinel)],
      controllers: [EndpointController],
    };
  }
}
