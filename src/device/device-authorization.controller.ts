import { Req } from '@nestjs/common';
import { FormEndpoint, FormEndpointController, FormPost } from '../token/form-endpoint.js';
import { TokenFormReader } from '../token/token-form.reader.js';
import {
  DeviceAuthorizationService,
  type DeviceAuthorizationResponse,
} from './device-authorization.service.js';

/**
 * The device authorization endpoint (RFC 8628 §3.1), without a path: the module mounts it at
 * `deviceAuthorizationPath`. Read like the token endpoint — form-urlencoded, flat, POST only
 * (405 otherwise, {@link FormEndpoint}) — and answered `200` with `Cache-Control: no-store`
 * (§3.2: the answer carries the device code).
 */
@FormEndpointController()
export class DeviceAuthorizationController extends FormEndpoint {
  constructor(
    private readonly formReader: TokenFormReader,
    private readonly service: DeviceAuthorizationService,
  ) {
    super();
  }

  @FormPost()
  async deviceAuthorization(@Req() request: unknown): Promise<DeviceAuthorizationResponse> {
    const form = await this.formReader.read(request);
    return this.service.authorize(
      form,
      this.getAuthorization(request),
      { address: this.getClientAddress(request) },
      request,
    );
  }
}
