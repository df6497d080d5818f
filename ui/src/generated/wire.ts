// Generated from crates/wire by `cargo xtask gen-types`. Do not edit by hand.

export type Presence = "Available" | "Busy" | "Away" | "DoNotDisturb" | "Offline";

export type ErrorCode = "PresenceLocked" | "StorageUnavailable" | "StorageCorrupt" | "InvalidInput" | "Internal";

export type UiError = { code: ErrorCode, message: string, };

export type AgentView = { presence: Presence, 
/**
 * True while the policy core forbids presence changes (an emergency call).
 */
presenceLocked: boolean, 
/**
 * Where the app keeps its data, shown in settings.
 */
dataDir: string, 
/**
 * A problem with the data folder that the agent should see; the app still runs.
 */
storageProblem: UiError | null, };
