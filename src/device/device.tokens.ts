/**
 * DI token of the `DeviceCodeStore` (device-code.store.ts). In a file of its own so the grant can inject it
 * without importing the providers (and through them the interaction layer).
 */
export const DEVICE_CODES = 'SENTINEL:DEVICE_CODES';
