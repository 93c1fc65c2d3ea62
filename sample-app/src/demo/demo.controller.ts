import { Controller, Get, Header } from '@nestjs/common';
import { DemoClient } from './demo-client.js';
import { DemoPageHeaders, callbackPage, startPage } from './demo-page.js';
import { DEMO_SCRIPT } from './demo-script.js';

/**
 * Serves the demo client: a page with a "Sign in" button, the callback the authorization server
 * redirects to, and the script both run (its own file, so the pages' CSP allows no inline script).
 */
@Controller('demo')
export class DemoController {
  constructor(private readonly client: DemoClient) {}

  @Get()
  @DemoPageHeaders()
  start(): string {
    return startPage(this.client);
  }

  @Get('callback')
  @DemoPageHeaders()
  callback(): string {
    return callbackPage(this.client);
  }

  @Get('demo.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  script(): string {
    return DEMO_SCRIPT;
  }
}
