// Generated from crates/wire by `cargo xtask gen-types`. Do not edit by hand.

export type Presence = "Available" | "Busy" | "Away" | "DoNotDisturb" | "Offline";

export type ErrorCode = "PresenceLocked" | "StorageUnavailable" | "StorageCorrupt" | "InvalidInput" | "NotConfigured" | "Busy" | "NotFound" | "Unavailable" | "Timeout" | "Rejected" | "Network" | "UnknownCall" | "AudioUnavailable" | "NotAllowed" | "BackofficeUnreachable" | "BadCredentials" | "WrongRole" | "Internal";

export type UiError = { code: ErrorCode, message: string, 
/**
 * The input field the error is about, for a form to show it beside that field.
 */
field?: string, };

export type CallState = "Dialling" | "Ringing" | "Connected" | "OnHold" | "Ended";

export type CallDirection = "Outbound" | "Inbound";

export type CallControl = "AudioDevices" | "EndCall" | "Mute" | "Hold" | "Resume" | "Transfer" | "Consult" | "Conference" | "Park" | "Dialpad" | "Notes" | "WrapUp" | "Record";

export type EmergencyPanelView = { 
/**
 * The callback number presented, if any could be had (E5).
 */
callbackNumber: string | null, 
/**
 * Where that number came from: `pool`, `agent` or `site` (a fallback is shown).
 */
callbackSource: string | null, 
/**
 * The dispatchable location the INVITE carried, as one line.
 */
location: string | null, 
/**
 * `911` or `933` (the test number).
 */
dialled: string, 
/**
 * Where the proxy said it sent the call, in words (E12); `None` until it said.
 */
route: string | null, };

export type CallQuality = { 
/**
 * E-model estimate, 1.0 (bad) to 4.5 (excellent).
 */
mos: number, jitterMs: number, lossPercent: number, roundTripMs: number | null, 
/**
 * The codec in use, e.g. `opus` or `PCMU`.
 */
codec: string, };

export type CallView = { 
/**
 * The engine's id for the call; the argument of every call command.
 */
id: number, direction: CallDirection, 
/**
 * The other party as the agent should read it (a number or a SIP user).
 */
remote: string, state: CallState, emergency: boolean, 
/**
 * An inbound call to a leased callback number from the emergency center (E6).
 */
emergencyCallback: boolean, muted: boolean, 
/**
 * The call is being recorded now.
 */
recording: boolean, 
/**
 * Milliseconds since 1970 when the call was placed or arrived.
 */
startedAt: number, 
/**
 * Milliseconds since 1970 when it was answered: the call timer's origin.
 */
answeredAt: number | null, controls: Array<CallControl>, panel: EmergencyPanelView | null, 
/**
 * Why the call ended without an answer, in words (busy, not found...).
 */
outcome: UiError | null, 
/**
 * Audio quality while media flows.
 */
quality: CallQuality | null, 
/**
 * A problem with this call that does not end it (an audio device, a failed
 * transfer), in words; the call goes on.
 */
problem: UiError | null, };

export type RegistrationState = "NotConfigured" | "OutboundOnly" | "Registering" | "Registered" | "Failed";

export type RegistrationView = { state: RegistrationState, 
/**
 * The account as `user@domain`, when configured.
 */
account: string | null, 
/**
 * Why it failed, in words.
 */
detail: string | null, };

export type HistoryEntry = { direction: CallDirection, remote: string, startedAt: number, answeredAt: number | null, endedAt: number, recorded: boolean, };

export type CallbackWindowView = { number: string | null, 
/**
 * Milliseconds since 1970 when the window closes.
 */
until: number, };

export type RecordingView = { 
/**
 * `<date>-<time>-<remote>.wav`.
 */
fileName: string, path: string, sizeBytes: number, };

export type AudioDeviceView = { id: string, name: string, isDefault: boolean, };

export type AudioDevicesView = { inputs: Array<AudioDeviceView>, outputs: Array<AudioDeviceView>, input: string | null, output: string | null, 
/**
 * Where inbound calls ring: one of `outputs`.
 */
ringer: string | null, 
/**
 * Why the list is short or empty (no sound card, the sound system refused).
 */
problem: string | null, 
/**
 * The latest hot-plug news, e.g. "USB Headset removed — using Default".
 */
notice: string | null, };

export type AudioLevelView = { 
/**
 * RMS of the last measured stretch, dBFS (-96 is silence).
 */
rmsDbfs: number, peakDbfs: number, 
/**
 * False while no microphone is measured yet (opening, or none usable).
 */
live: boolean, 
/**
 * Counts hot-plug changes: when it moves, the panel asks for the list again.
 */
devicesVersion: number, notice: string | null, };

export type CountryStatus = "UsOrPuertoRico" | "Outside" | "Unknown";

export type TestCallView = { 
/**
 * When it ended, milliseconds since the Unix epoch.
 */
at: number, 
/**
 * The test center answered.
 */
reached: boolean, };

export type ReadinessView = { 
/**
 * Everything in order.
 */
ready: boolean, 
/**
 * The agent confirmed a dispatchable address.
 */
locationConfirmed: boolean, countryStatus: CountryStatus, 
/**
 * ISO 3166-1 alpha-2, when known.
 */
country: string | null, 
/**
 * Where the country came from, in words ("from the geolocation service", ...).
 */
countrySource: string, 
/**
 * The tenant's `refuse` policy applies: 911 would be refused right now.
 */
callsRefused: boolean, 
/**
 * One sentence per failing part, saying what to do; empty when ready.
 */
problems: Array<string>, 
/**
 * The last 933 test call on this machine, if any.
 */
lastTest: TestCallView | null, };

export type DispatchableAddress = { 
/**
 * House number.
 */
number: string, street: string, city: string, 
/**
 * Two-letter state or territory code.
 */
state: string, 
/**
 * Five digits, or ZIP+4.
 */
zip: string, floor: string | null, room: string | null, 
/**
 * `US` or `PR`.
 */
country: string, };

export type LocationView = { 
/**
 * The address to confirm or confirmed: the last one the agent confirmed, else the
 * one the administrator configured.
 */
address: DispatchableAddress | null, confirmed: boolean, 
/**
 * The app should ask now (at sign-in, or the network changed).
 */
needsConfirmation: boolean, 
/**
 * Why it asks, in words.
 */
reason: string | null, };

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
storageProblem: UiError | null, 
/**
 * Ongoing calls, oldest first; an ended call stays a few seconds with its outcome.
 */
calls: Array<CallView>, registration: RegistrationView, 
/**
 * Kept calls, newest first (emergency calls are never here, E7).
 */
history: Array<HistoryEntry>, 
/**
 * Recording files, newest first.
 */
recordings: Array<RecordingView>, 
/**
 * The emergency callback window, while it runs.
 */
callbackWindow: CallbackWindowView | null, 
/**
 * A problem with the configuration file; the app runs with what it could read.
 */
configProblem: UiError | null, 
/**
 * The emergency-readiness indicator (E9).
 */
readiness: ReadinessView, 
/**
 * The dispatchable address and its confirmation (E9).
 */
location: LocationView, };

export type CenterReceivedView = { routingNumber: string, 
/**
 * A 933 test call.
 */
test: boolean, 
/**
 * The callback number presented.
 */
callback: string, 
/**
 * Whether the INVITE carried a PIDF-LO location.
 */
locationSent: boolean, };

export type DemoView = { 
/**
 * The number the built-in center calls back (the callback pool's).
 */
callbackNumber: string, 
/**
 * What the built-in emergency center received with the last 911 or 933.
 */
lastReceived: CenterReceivedView | null, 
/**
 * The demo supervisor the Supervisor panel offers to sign in as (loopback only).
 */
supervisorUsername: string, supervisorPassword: string, };

export type EmergencyAlertView = { id: string, agentName: string, 
/**
 * Unix milliseconds.
 */
startedAtMs: number, 
/**
 * Set once the emergency call ended; the alert stays until acknowledged.
 */
endedAtMs: number | null, callbackNumber: string, location: string, 
/**
 * A 933 test call.
 */
test: boolean, acknowledgedBy: string | null, };

export type ConversationView = { callId: string, agentName: string, direction: string, state: string, queue: string | null, recording: boolean, };

export type AgentPresenceView = { agentId: string, agentName: string, status: string, };

export type SupervisorDeskView = { 
/**
 * Grows by one with every view the desk publishes. A command's reply and the
 * `supervisor-view` event travel separately and can arrive in either order; the
 * UI keeps the view with the highest revision, never an older one.
 */
revision: number, 
/**
 * The back office the sign-in form offers (from the configuration), or the one
 * signed in to.
 */
backofficeUrl: string | null, 
/**
 * The user name signed in; `None` when signed out.
 */
signedInAs: string | null, 
/**
 * `Supervisor` or `Administrator` (A1).
 */
role: string | null, 
/**
 * The feed is open; false while it reconnects.
 */
connected: boolean, 
/**
 * Why the feed is down, in a sentence for the panel.
 */
problem: string | null, 
/**
 * E11: the alert sound plays (an alert waits for acknowledgement).
 */
alarm: boolean, alerts: Array<EmergencyAlertView>, conversations: Array<ConversationView>, presence: Array<AgentPresenceView>, };
