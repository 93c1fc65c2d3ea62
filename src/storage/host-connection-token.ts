/**
 * The DI token under which `MongooseModule.forRoot(uri, { connectionName })` registers its
 * connection: `getConnectionToken()` of @nestjs/mongoose, restated so that importing the module
 * does not load @nestjs/mongoose, an optional peer (apps on the in-memory default or in
 * resource-server mode do not install it). A spec checks it against the real function.
 */
export function hostConnectionToken(name?: string): string {
  const defaultToken = 'DatabaseConnection';
  return name && name !== defaultToken ? `${name}Connection` : defaultToken;
}
