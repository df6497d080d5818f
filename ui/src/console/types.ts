/**
 * The back office's JSON shapes as the console uses them (crates/backoffice/src/api).
 * Times are milliseconds since the Unix epoch (`*_ms`).
 */

export type Role = 'Agent' | 'Supervisor' | 'Administrator';
export type ProductType = 'BusinessCalling' | 'VoiceConnector';

export interface Me {
  user_id: string;
  username: string;
  account_id: string;
  role: Role;
}

export interface SessionOut {
  token: string;
  expires_at_ms: number;
  me: Me;
}

export interface SearchQuery {
  country: string;
  area_code?: string;
  city?: string;
  state?: string;
  toll_free_prefix?: string;
  limit?: number;
}

export interface Available {
  e164: string;
  country: string;
  area_code: string | null;
  city: string | null;
  state: string | null;
  toll_free: boolean;
}

export interface OrderNumber {
  e164: string;
  status: string;
  reason: string;
}

export interface Order {
  id: string;
  product_type: ProductType;
  status: string;
  created_by: string;
  created_at_ms: number;
  completed_at_ms: number | null;
  numbers: OrderNumber[];
}

export interface NumberSummary {
  e164: string;
  country: string;
  toll_free: boolean;
  product_type: ProductType;
  status: string;
  assigned_user: string | null;
  assigned_voice_connector: string | null;
  purge_at_ms: number | null;
}

export interface Lease {
  e164: string;
  agent_id: string;
  taken_at_ms: number;
  call_ended_at_ms: number | null;
  expires_at_ms: number;
}

export interface HistoryEvent {
  at_ms: number;
  actor: string;
  from: string | null;
  to: string;
  detail: string;
}

export interface NumberDetails extends NumberSummary {
  calling_enabled: boolean;
  sms_enabled: boolean;
  in_callback_pool: boolean;
  active_lease: Lease | null;
  history: HistoryEvent[];
}

export type Assignee = { user_id: string } | { voice_connector_id: string };

export interface Route {
  host: string;
  port: number;
  protocol: string;
  priority: number;
  weight: number;
}

export interface ConnectorSettings {
  name: string;
  termination: {
    enabled: boolean;
    allowed_networks: string[];
    calling_countries: string[];
    default_caller: string | null;
  };
  origination: { enabled: boolean; routes: Route[] };
}

export interface EmergencySettings {
  emergency_routing_number: string;
  test_routing_number: string | null;
  country: string;
  call_send_method: string;
}

export interface Connector extends ConnectorSettings {
  id: string;
  emergency: EmergencySettings | null;
  numbers: string[];
}

export interface ConnectorListItem {
  id: string;
  name: string;
  termination_enabled: boolean;
  origination_enabled: boolean;
  emergency_routing_number: string | null;
  test_routing_number: string | null;
  numbers: string[];
}

export interface PoolStatus {
  size: number;
  leased: number;
  free: number;
  running_low: boolean;
}

export interface Loa {
  carrier: string;
  authorized_name: string;
  billing_telephone_number: string;
  service_address: string;
  account_number: string;
}

export interface PortNumber {
  e164: string;
  carrier: string;
}

export interface NewPortIn {
  product_type: ProductType;
  numbers: PortNumber[];
  loas: Loa[];
}

export interface PortRequest {
  id: string;
  product_type: ProductType;
  state: string;
  foc_at_ms: number | null;
  note: string;
  numbers: PortNumber[];
  loas: Loa[];
}

export type CarrierEvent =
  | { event: 'firm_order_commitment'; at_ms: number }
  | { event: 'completed' }
  | { event: 'exception'; reason: string };

export interface Alert {
  id: string;
  agent_id: string;
  agent_name: string;
  started_at_ms: number;
  ended_at_ms: number | null;
  callback_number: string;
  location: string;
  test: boolean;
  acknowledged_by: string | null;
}

export interface LiveCall {
  call_id: string;
  agent_id: string;
  agent_name: string;
  direction: string;
  state: string;
  queue: string | null;
  recording: boolean;
  started_at_ms: number;
  duration_ms: number;
}

export interface AgentPresence {
  agent_id: string;
  agent_name: string;
  status: string;
  since_ms: number;
}
