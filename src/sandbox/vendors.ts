/** The vendors that ship a sandbox; a module of its own so the CLI can list them without loading any. */
export const SANDBOX_VENDORS = ['cashier', 'shouqianba', 'colourlife', 'yunzhanghu'] as const;
export type SandboxVendor = (typeof SANDBOX_VENDORS)[number];
