/**
 * The console's client of the back office's HTTP API (`/api/v1`): one method per route,
 * a bearer token from sign-in, and every refusal turned into an {@link ApiError} that
 * keeps the API's code, field and rule, so forms can show it next to the field.
 */
import type {
  Alert,
  Assignee,
  Available,
  CarrierEvent,
  Connector,
  ConnectorListItem,
  ConnectorSettings,
  EmergencySettings,
  Loa,
  Me,
  NewPortIn,
  NumberDetails,
  NumberSummary,
  Order,
  PoolStatus,
  PortRequest,
  ProductType,
  SearchQuery,
  SessionOut,
} from './types';

/** The feed's WebSocket subprotocol (crates/backoffice/src/api/feed.rs). */
export const FEED_PROTOCOL = 'softphone-feed.v1';

/** A refusal or failure, as the API described it. */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the back office could not be reached. */
    readonly status: number,
    /** The API's stable code (`invalid`, `conflict`, `limit_reached`, …), or `network`/`http`. */
    readonly code: string,
    message: string,
    /** The input field the refusal names, when it names one. */
    readonly field: string | null = null,
    /** The rule id of BACKOFFICE.md (N1…, V2, A1, …), when known. */
    readonly rule: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Turns anything thrown into a sentence for people. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** Reads the API's `{ error: { code, field, rule, message } }`, or describes the status. */
export async function errorFromResponse(resp: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await resp.json();
  } catch {
    // Not JSON: a proxy's page or an empty body; the status says enough.
  }
  const err = isRecord(body) && isRecord(body.error) ? body.error : null;
  if (err && typeof err.message === 'string') {
    return new ApiError(resp.status, str(err.code) ?? 'http', err.message, str(err.field), str(err.rule));
  }
  return new ApiError(resp.status, 'http', `The back office answered ${resp.status} ${resp.statusText}`.trim());
}

const enc = encodeURIComponent;

/** The back office's API, as one signed-in user (or nobody, for sign-in). */
export class ConsoleApi {
  private token: string | null;

  constructor(
    token: string | null = null,
    private readonly fetchFn: Fetch = (input, init) => fetch(input, init),
    private readonly base = '/api/v1',
    /** Called when the API says the session is no longer valid (401). */
    private readonly onUnauthenticated: () => void = () => undefined,
  ) {
    this.token = token;
  }

  get signedIn(): boolean {
    return this.token !== null;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let resp: Response;
    try {
      resp = await this.fetchFn(`${this.base}${path}`, init);
    } catch {
      throw new ApiError(0, 'network', 'The back office cannot be reached; check the connection and try again.');
    }
    if (!resp.ok) {
      const e = await errorFromResponse(resp);
      if (resp.status === 401 && this.token) this.onUnauthenticated();
      throw e;
    }
    if (resp.status === 204) return undefined as T;
    return (await resp.json()) as T;
  }

  // --- Sessions (A1).

  async signIn(username: string, password: string): Promise<SessionOut> {
    const s = await this.request<SessionOut>('POST', '/sign-in', { username, password });
    this.token = s.token;
    return s;
  }

  async signOut(): Promise<void> {
    try {
      if (this.token) await this.request<undefined>('POST', '/sign-out');
    } finally {
      this.token = null;
    }
  }

  me(): Promise<Me> {
    return this.request('GET', '/me');
  }

  // --- Numbers: search and orders (N3, N4).

  search(q: SearchQuery): Promise<Available[]> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) {
      if (v !== undefined && v !== '') params.set(k, String(v));
    }
    return this.request('GET', `/numbers/search?${params.toString()}`);
  }

  placeOrder(productType: ProductType, numbers: string[]): Promise<Order> {
    return this.request('POST', '/orders', { product_type: productType, numbers });
  }

  orders(): Promise<Order[]> {
    return this.request('GET', '/orders');
  }

  pending(): Promise<string[]> {
    return this.request('GET', '/orders/pending');
  }

  // --- Inventory (N7, N8, N9, N10).

  inventory(): Promise<NumberSummary[]> {
    return this.request('GET', '/numbers');
  }

  details(e164: string): Promise<NumberDetails> {
    return this.request('GET', `/numbers/${enc(e164)}`);
  }

  assign(e164: string, to: Assignee): Promise<NumberSummary> {
    return this.request('POST', `/numbers/${enc(e164)}/assign`, to);
  }

  unassign(e164: string): Promise<NumberSummary> {
    return this.request('POST', `/numbers/${enc(e164)}/unassign`);
  }

  changeProductType(numbers: string[], productType: ProductType): Promise<NumberSummary[]> {
    return this.request('POST', '/numbers/product-type', { numbers, product_type: productType });
  }

  deletionQueue(): Promise<NumberSummary[]> {
    return this.request('GET', '/deletion-queue');
  }

  deleteNumbers(numbers: string[]): Promise<NumberSummary[]> {
    return this.request('POST', '/deletion-queue', { numbers });
  }

  restoreNumbers(numbers: string[]): Promise<NumberSummary[]> {
    return this.request('POST', '/deletion-queue/restore', { numbers });
  }

  callbackPool(): Promise<PoolStatus> {
    return this.request('GET', '/callback-pool');
  }

  // --- Porting (N6).

  portIns(): Promise<PortRequest[]> {
    return this.request('GET', '/port-ins');
  }

  submitPortIn(req: NewPortIn): Promise<PortRequest> {
    return this.request('POST', '/port-ins', req);
  }

  updateLoa(id: string, loa: Loa): Promise<PortRequest> {
    return this.request('PUT', `/port-ins/${enc(id)}/loas`, loa);
  }

  carrierEvent(id: string, event: CarrierEvent): Promise<PortRequest> {
    return this.request('POST', `/port-ins/${enc(id)}/carrier-events`, event);
  }

  resubmitPortIn(id: string): Promise<PortRequest> {
    return this.request('POST', `/port-ins/${enc(id)}/resubmit`);
  }

  cancelPortIn(id: string): Promise<PortRequest> {
    return this.request('POST', `/port-ins/${enc(id)}/cancel`);
  }

  // --- Voice connectors (V1, V2).

  connectors(): Promise<ConnectorListItem[]> {
    return this.request('GET', '/voice-connectors');
  }

  connector(id: string): Promise<Connector> {
    return this.request('GET', `/voice-connectors/${enc(id)}`);
  }

  createConnector(settings: ConnectorSettings): Promise<Connector> {
    return this.request('POST', '/voice-connectors', settings);
  }

  updateConnector(id: string, settings: ConnectorSettings): Promise<Connector> {
    return this.request('PUT', `/voice-connectors/${enc(id)}`, settings);
  }

  setEmergency(id: string, settings: EmergencySettings): Promise<Connector> {
    return this.request('PUT', `/voice-connectors/${enc(id)}/emergency`, settings);
  }

  removeEmergency(id: string): Promise<Connector> {
    return this.request('DELETE', `/voice-connectors/${enc(id)}/emergency`);
  }

  // --- Supervisors (S1, S2).

  alerts(): Promise<Alert[]> {
    return this.request('GET', '/alerts');
  }

  acknowledge(alertId: string): Promise<void> {
    return this.request('POST', `/alerts/${enc(alertId)}/acknowledge`);
  }

  /** The feed's URL on `origin` (`http…` becomes `ws…`), with its filters. */
  feedUrl(origin: string, filter: { agent?: string; states?: readonly string[] } = {}): string {
    const url = new URL(`${this.base}/supervisor/feed`, origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (filter.agent) url.searchParams.set('agent', filter.agent);
    if (filter.states && filter.states.length > 0) url.searchParams.set('state', filter.states.join(','));
    return url.toString();
  }

  /** The subprotocols that carry the token: browsers cannot set headers on a WebSocket. */
  feedProtocols(): string[] {
    return this.token ? [FEED_PROTOCOL, `bearer.${this.token}`] : [FEED_PROTOCOL];
  }
}
