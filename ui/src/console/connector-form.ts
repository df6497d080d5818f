/**
 * The voice connector form's values as text, and their translation to the API's
 * settings (V1): lists are typed comma separated, an empty default caller is none.
 */
import { splitList } from './format';
import type { Connector, ConnectorSettings } from './types';

export interface RouteForm {
  host: string;
  port: string;
  protocol: string;
  priority: string;
  weight: string;
}

export interface ConnectorForm {
  name: string;
  terminationEnabled: boolean;
  allowedNetworks: string;
  callingCountries: string;
  defaultCaller: string;
  originationEnabled: boolean;
  routes: RouteForm[];
}

export function emptyRoute(): RouteForm {
  return { host: '', port: '5060', protocol: 'UDP', priority: '1', weight: '1' };
}

export function emptyConnectorForm(): ConnectorForm {
  return {
    name: '',
    terminationEnabled: false,
    allowedNetworks: '',
    callingCountries: 'US',
    defaultCaller: '',
    originationEnabled: false,
    routes: [],
  };
}

export function connectorForm(c: Connector): ConnectorForm {
  return {
    name: c.name,
    terminationEnabled: c.termination.enabled,
    allowedNetworks: c.termination.allowed_networks.join(', '),
    callingCountries: c.termination.calling_countries.join(', '),
    defaultCaller: c.termination.default_caller ?? '',
    originationEnabled: c.origination.enabled,
    routes: c.origination.routes.map((r) => ({
      host: r.host,
      port: String(r.port),
      protocol: r.protocol,
      priority: String(r.priority),
      weight: String(r.weight),
    })),
  };
}

/** A whole number, or NaN so that the API refuses it naming the field. */
function whole(text: string): number {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}

export function connectorSettings(f: ConnectorForm): ConnectorSettings {
  return {
    name: f.name.trim(),
    termination: {
      enabled: f.terminationEnabled,
      allowed_networks: splitList(f.allowedNetworks),
      calling_countries: splitList(f.callingCountries).map((c) => c.toUpperCase()),
      default_caller: f.defaultCaller.trim() === '' ? null : f.defaultCaller.trim(),
    },
    origination: {
      enabled: f.originationEnabled,
      routes: f.routes.map((r) => ({
        host: r.host.trim(),
        port: whole(r.port),
        protocol: r.protocol,
        priority: whole(r.priority),
        weight: whole(r.weight),
      })),
    },
  };
}

/** Problems the form can see before asking the API: numbers that are not numbers. */
export function routeProblems(f: ConnectorForm): string | null {
  for (const [i, r] of f.routes.entries()) {
    for (const [name, v] of [['port', r.port], ['priority', r.priority], ['weight', r.weight]] as const) {
      if (Number.isNaN(whole(v))) return `invalid routes.${name}: route ${i + 1} needs a whole number`;
    }
  }
  return null;
}
