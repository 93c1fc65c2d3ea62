/** The URLs of the interaction pages, under `interactionPath` (e.g. `/oauth/interaction`). */
export class InteractionPaths {
  constructor(private readonly base: string) {}

  /** The page of a pending request: it shows whatever comes next. */
  request(id: string): string {
    return `${this.base}/${id}`;
  }

  signIn(id: string): string {
    return `${this.base}/${id}/sign-in`;
  }

  consent(id: string): string {
    return `${this.base}/${id}/consent`;
  }

  signOut(): string {
    return `${this.base}/sign-out`;
  }
}

/** The CSRF purposes of the forms (browser-binding.ts): each form's token fits only it. */
export const CSRF_PURPOSE = {
  signIn: (id: string) => `sign-in ${id}`,
  consent: (id: string) => `consent ${id}`,
  signOut: 'sign-out',
} as const;

/** The hidden field that carries the CSRF token. */
export const CSRF_FIELD = 'csrf_token';
