import { Get, Inject, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { MANAGEMENT_CONSOLE_PAGE, type ConsolePage } from './console/console-page.js';
import { ManagementEndpoint } from './management-endpoint.decorator.js';

/** `GET {mgmt}`: the web console, behind the same Basic auth as the API. */
@ManagementEndpoint()
export class ManagementConsoleController {
  constructor(
    @Inject(MANAGEMENT_CONSOLE_PAGE) private readonly page: ConsolePage,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  console(@Res({ passthrough: true }) response: unknown): string {
    for (const [name, value] of Object.entries(this.page.headers)) {
      this.adapterHost.httpAdapter.setHeader(response, name, value);
    }
    return this.page.html;
  }
}
