/** DI tokens of the interaction layer's stores. */
export const SESSION_STORE = 'SENTINEL:SESSION_STORE';
export const PENDING_AUTHORIZATIONS = 'SENTINEL:PENDING_AUTHORIZATIONS';
