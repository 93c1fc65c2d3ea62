import { Controller, type Type } from '@nestjs/common';

/**
 * A fresh subclass of `controller` mounted at `path` (e.g. `/oauth/token`). Paths come from the
 * options, known when the module is defined rather than when decorators run; a fresh class per
 * call lets two apps in one process mount the module at different paths. Route handlers,
 * filters and guards are inherited from `controller`.
 */
export function mountController<T>(controller: Type<T>, path: string): Type<T> {
  const base = controller as Type<object>;
  const mounted = class extends base {};
  Object.defineProperty(mounted, 'name', { value: `Sentinel${controller.name}` });
  Controller(path)(mounted);
  return mounted as unknown as Type<T>;
}
