import { Module, type DynamicModule } from '@nestjs/common';
import { SentinelModule } from '../../src/index.js';
import { demoPathsOf } from './demo/demo-client.js';
import { DemoModule } from './demo/demo.module.js';
import { EndpointController } from './endpoint.controller.js';
import type { SampleConfig } from './sample-config.js';

@Module({})
export class AppModule {
  static register(config: SampleConfig): DynamicModule {
    const demo = demoPathsOf(config);
    return {
      module: AppModule,
      imports: [
        SentinelModule.forRoot(config.sentinel),
        ...(demo === undefined ? [] : [DemoModule.register(demo)]),
      ],
      controllers: [EndpointController],
    };
  }
}
