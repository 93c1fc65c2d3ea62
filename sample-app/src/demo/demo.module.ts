import { Module, type DynamicModule } from '@nestjs/common';
import { DemoClient, type DemoPaths } from './demo-client.js';
import { DemoController } from './demo.controller.js';

/** The browser demo client of the sample app: `GET /demo`, its callback and its script. */
@Module({})
export class DemoModule {
  static register(paths: DemoPaths): DynamicModule {
    return {
      module: DemoModule,
      controllers: [DemoController],
      providers: [{ provide: DemoClient, useValue: new DemoClient(paths) }],
      exports: [DemoClient],
    };
  }
}
