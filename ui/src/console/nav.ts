/**
 * Role-aware navigation: which pages a role sees, and the page a URL hash names.
 * Pages follow the administrator procedures of the phone-number guide (search and
 * provision, orders, porting, inventory, deletion queue), then voice connectors and
 * the supervisors' live view.
 */
import { roleIncludes } from './session';
import type { Role } from './types';

export type PageId = 'provision' | 'orders' | 'porting' | 'inventory' | 'deletion-queue' | 'connectors' | 'live';

export interface Page {
  id: PageId;
  label: string;
  /** The least role that sees it. */
  role: Role;
}

export const PAGES: readonly Page[] = [
  { id: 'live', label: 'Live conversations', role: 'Supervisor' },
  { id: 'provision', label: 'Provision numbers', role: 'Administrator' },
  { id: 'orders', label: 'Orders and pending', role: 'Administrator' },
  { id: 'inventory', label: 'Inventory', role: 'Administrator' },
  { id: 'deletion-queue', label: 'Deletion queue', role: 'Administrator' },
  { id: 'porting', label: 'Porting', role: 'Administrator' },
  { id: 'connectors', label: 'Voice connectors', role: 'Administrator' },
];

export function pagesFor(role: Role): Page[] {
  return PAGES.filter((p) => roleIncludes(role, p.role));
}

/** The page `#/<id>` names if this role may see it, else the role's first page. */
export function pageFromHash(hash: string, role: Role): PageId | null {
  const allowed = pagesFor(role);
  const wanted = hash.replace(/^#\/?/, '');
  const hit = allowed.find((p) => p.id === wanted);
  return (hit ?? allowed[0])?.id ?? null;
}

export function hashOf(page: PageId): string {
  return `#/${page}`;
}
