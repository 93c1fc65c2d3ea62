/** The URLs of the device verification pages, under `devicePath` (RFC 8628 §3.3). */
export class DevicePaths {
  constructor(private readonly base: string) {}

  /** The code entry page (`verification_uri`). */
  entry(): string {
    return this.base;
  }

  /** The page of a parked approval: sign-in, then the confirmation. */
  approval(id: string): string {
    return `${this.base}/${id}`;
  }

  signIn(id: string): string {
    return `${this.base}/${id}/sign-in`;
  }

  decision(id: string): string {
    return `${this.base}/${id}/decision`;
  }
}

/** The CSRF purposes of the device forms (browser-binding.ts): each token fits only its form. */
export const DEVICE_CSRF_PURPOSE = {
  code: 'device-code',
  signIn: (id: string) => `device-sign-in ${id}`,
  decision: (id: string) => `device-decision ${id}`,
} as const;
