import type { Type } from '@nestjs/common';
import { AuthorizationController } from './authorization/authorization.controller.js';
import { DeviceVerificationController } from './device/device-verification.controller.js';
import { DeviceAuthorizationController } from './device/device-authorization.controller.js';
import { InteractionController } from './interaction/interaction.controller.js';
import { IntrospectionController } from './introspection/introspection.controller.js';
import { managementMounts } from './management/management.controllers.js';
import { MetadataController } from './metadata/metadata.controller.js';
import { mountController } from './mount-controller.js';
import type { ResolvedSentinelOptions } from './options/resolved-options.js';
import { RevocationController } from './revocation/revocation.controller.js';
import { TokenController } from './token/token.controller.js';

/**
 * The module's controllers, each mounted at the path the (static) route options give. A
 * disabled endpoint has no controller, so it is a plain 404:
 *
 * - token (RFC 6749 §3.2) at `tokenPath`, revocation (RFC 7009) at `revocationPath`,
 *   introspection (RFC 7662) at `introspectionPath`;
 * - server metadata (RFC 8414) at `metadataPath`, outside the route prefix;
 * - the authorization endpoint (RFC 6749 §3.1) at `authorizePath`, and its pages (sign-in,
 *   consent, sign-out) at `interactionPath` (also for the device flow);
 * - the device authorization endpoint (RFC 8628 §3.1) at `deviceAuthorizationPath`, and the
 *   device verification page (§3.3) at `devicePath` when it is not `false`;
 * - management at `managementPath`, when it is mounted (management-mount.ts).
 */
export function sentinelControllers(
  routes: ResolvedSentinelOptions,
  managementPath: string | false,
): Type[] {
  // The device verification page uses the interaction pages' sign-out (ADR 0023).
  const interactive = routes.authorizePath !== false || routes.deviceAuthorizationPath !== false;
  const mounts: Array<[Type, string | false]> = [
    [TokenController, routes.tokenPath],
    [RevocationController, routes.revocationPath],
    [IntrospectionController, routes.introspectionPath],
    [MetadataController, routes.metadataPath],
    [AuthorizationController, routes.authorizePath],
    [InteractionController, interactive ? routes.interactionPath : false],
    [DeviceAuthorizationController, routes.deviceAuthorizationPath],
    [
      DeviceVerificationController,
      routes.deviceAuthorizationPath === false ? false : routes.devicePath,
    ],
    ...(managementPath === false
      ? []
      : managementMounts(managementPath, routes.deviceAuthorizationPath !== false)),
  ];
  return mounts.flatMap(([controller, path]) =>
    path === false ? [] : [mountController(controller, path)],
  );
}
