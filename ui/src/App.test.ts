import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from './App.svelte';
import { agentView, FakeBackend } from './lib/backend/fake';
import type { AgentView } from './generated/wire';

async function renderApp(view: Partial<AgentView> = {}): Promise<{ backend: FakeBackend; user: ReturnType<typeof userEvent.setup> }> {
  const backend = new FakeBackend(agentView(view));
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await screen.findByTestId('app-ready');
  return { backend, user };
}

function current(): HTMLElement {
  return screen.getByTestId('presence-current');
}

describe('start-up', () => {
  it('shows app-ready, the presence and the data folder only once the first view has loaded', async () => {
    const backend = new FakeBackend(agentView({ presence: 'Busy', dataDir: '/tmp/agent-data' }));
    render(App, { props: { backend } });
    expect(screen.queryByTestId('app-ready')).toBeNull();

    await screen.findByTestId('app-ready');
    expect(current()).toHaveTextContent('Busy');
    expect(current()).toHaveAttribute('data-presence', 'Busy');
    expect(screen.getByTestId('data-dir')).toHaveTextContent('/tmp/agent-data');
    expect(screen.queryByTestId('storage-problem')).toBeNull();
  });

  it('says so when there is no backend in this page', () => {
    render(App, { props: { backend: null } });
    expect(screen.getByTestId('no-backend')).toHaveAttribute('role', 'alert');
    expect(screen.queryByTestId('app-ready')).toBeNull();
  });

  it('shows a load failure and recovers with Try again', async () => {
    const backend = new FakeBackend();
    backend.loadError = { code: 'Internal', message: 'engine not started' };
    const user = userEvent.setup();
    render(App, { props: { backend } });

    expect(await screen.findByTestId('load-error')).toHaveTextContent('engine not started');
    backend.loadError = null;
    await user.click(screen.getByTestId('load-retry'));
    await screen.findByTestId('app-ready');
  });
});

describe('presence selector', () => {
  it('shows labels for wire values', async () => {
    await renderApp({ presence: 'DoNotDisturb' });
    expect(current()).toHaveTextContent('Do Not Disturb');
    expect(current()).toHaveAttribute('data-presence', 'DoNotDisturb');
  });

  it('changes presence with the mouse through the menu', async () => {
    const { backend, user } = await renderApp();
    const menu = screen.getByTestId('presence-menu');
    expect(menu).not.toBeVisible();

    await user.click(screen.getByTestId('presence-toggle'));
    expect(menu).toBeVisible();
    expect(screen.getByTestId('presence-toggle')).toHaveAttribute('aria-expanded', 'true');
    expect(within(menu).getAllByRole('option')).toHaveLength(5);

    await user.click(screen.getByTestId('presence-option-Away'));
    expect(backend.presenceRequests).toEqual(['Away']);
    expect(current()).toHaveTextContent('Away');
    expect(current()).toHaveAttribute('data-presence', 'Away');
    expect(menu).not.toBeVisible();
  });

  it('changes presence with Alt+digit from anywhere, including the number field', async () => {
    const { backend, user } = await renderApp();

    await user.keyboard('{Alt>}2{/Alt}');
    expect(backend.presenceRequests).toEqual(['Busy']);
    expect(current()).toHaveAttribute('data-presence', 'Busy');

    await user.click(screen.getByTestId('dial-input'));
    await user.keyboard('{Alt>}5{/Alt}');
    expect(backend.presenceRequests).toEqual(['Busy', 'Offline']);
    expect(current()).toHaveTextContent('Offline');
    expect(screen.getByTestId('dial-input')).toHaveValue('');
  });

  it('is fully keyboard operable: Enter opens, arrows move, Enter picks, Escape closes', async () => {
    const { backend, user } = await renderApp({ presence: 'Busy' });
    const toggle = screen.getByTestId('presence-toggle');
    const menu = screen.getByTestId('presence-menu');

    toggle.focus();
    await user.keyboard('{Enter}');
    expect(menu).toBeVisible();
    expect(menu).toHaveFocus();
    // The highlighted option starts at the current presence.
    expect(menu.getAttribute('aria-activedescendant')).toBe(screen.getByTestId('presence-option-Busy').id);

    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(menu.getAttribute('aria-activedescendant')).toBe(screen.getByTestId('presence-option-DoNotDisturb').id);
    await user.keyboard('{Enter}');
    expect(backend.presenceRequests).toEqual(['DoNotDisturb']);
    expect(menu).not.toBeVisible();
    expect(toggle).toHaveFocus();

    await user.keyboard(' ');
    expect(menu).toBeVisible();
    await user.keyboard('{ArrowUp}{Escape}');
    expect(menu).not.toBeVisible();
    expect(toggle).toHaveFocus();
    expect(backend.presenceRequests).toEqual(['DoNotDisturb']);
  });

  it('closes the menu on a click outside without changing presence', async () => {
    const { backend, user } = await renderApp();
    await user.click(screen.getByTestId('presence-toggle'));
    expect(screen.getByTestId('presence-menu')).toBeVisible();
    await user.click(screen.getByTestId('keypad-5'));
    expect(screen.getByTestId('presence-menu')).not.toBeVisible();
    expect(backend.presenceRequests).toEqual([]);
  });

  it('is disabled and says why while presence is locked, and shortcuts do nothing', async () => {
    const { backend, user } = await renderApp({ presence: 'Busy', presenceLocked: true });
    const toggle = screen.getByTestId('presence-toggle');
    expect(toggle).toBeDisabled();
    expect(screen.getByText('Locked during an emergency call')).toBeVisible();
    expect(toggle).toHaveAccessibleDescription('Locked during an emergency call');

    await user.click(toggle);
    expect(screen.getByTestId('presence-menu')).not.toBeVisible();
    await user.keyboard('{Alt>}1{/Alt}');
    expect(backend.presenceRequests).toEqual([]);
    expect(current()).toHaveAttribute('data-presence', 'Busy');
  });

  it('follows a lock published by the core while the menu is open', async () => {
    const { backend, user } = await renderApp();
    await user.click(screen.getByTestId('presence-toggle'));
    expect(screen.getByTestId('presence-menu')).toBeVisible();

    backend.publish(agentView({ presence: 'Busy', presenceLocked: true }));
    await vi.waitFor(() => {
      expect(screen.getByTestId('presence-toggle')).toBeDisabled();
    });
    expect(screen.getByTestId('presence-menu')).not.toBeVisible();
    expect(current()).toHaveAttribute('data-presence', 'Busy');
  });

  it('shows the backend’s refusal in an inline alert, and dismisses it', async () => {
    const { backend, user } = await renderApp();
    backend.nextError = { code: 'PresenceLocked', message: 'Presence cannot change during an emergency call.' };

    await user.keyboard('{Alt>}3{/Alt}');
    const alert = await screen.findByTestId('presence-error');
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert).toHaveTextContent('Presence cannot change during an emergency call.');
    expect(current()).toHaveAttribute('data-presence', 'Available');

    await user.click(screen.getByTestId('presence-error-dismiss'));
    expect(screen.queryByTestId('presence-error')).toBeNull();
  });
});

describe('storage problem', () => {
  it('shows a banner with the core’s message and keeps the app usable', async () => {
    const { backend, user } = await renderApp({
      storageProblem: { code: 'StorageCorrupt', message: 'settings.json is not valid JSON; defaults are in use.' },
    });
    const banner = screen.getByTestId('storage-problem');
    expect(banner).toHaveAttribute('role', 'alert');
    expect(banner).toHaveTextContent('settings.json is not valid JSON; defaults are in use.');

    await user.click(screen.getByTestId('keypad-7'));
    expect(screen.getByTestId('dial-input')).toHaveValue('7');
    await user.keyboard('{Alt>}2{/Alt}');
    expect(backend.presenceRequests).toEqual(['Busy']);
  });

  it('disappears when the core reports the folder is fine again', async () => {
    const { backend } = await renderApp({ storageProblem: { code: 'StorageUnavailable', message: 'read-only' } });
    expect(screen.getByTestId('storage-problem')).toBeInTheDocument();
    backend.publish(agentView());
    await vi.waitFor(() => {
      expect(screen.queryByTestId('storage-problem')).toBeNull();
    });
  });
});

describe('dialer', () => {
  it('has the twelve keys with letters under the digits', async () => {
    await renderApp();
    const keypad = screen.getByTestId('keypad');
    expect(within(keypad).getAllByRole('button')).toHaveLength(12);
    expect(screen.getByTestId('keypad-2')).toHaveTextContent('2 ABC');
    expect(screen.getByTestId('keypad-7')).toHaveTextContent('7 PQRS');
    expect(screen.getByTestId('keypad-star')).toHaveAccessibleName('Star');
    expect(screen.getByTestId('keypad-hash')).toHaveTextContent('#');
  });

  it('appends keypad clicks to the number field', async () => {
    const { user } = await renderApp();
    for (const id of ['9', '3', '3', 'star', '0', 'hash']) await user.click(screen.getByTestId(`keypad-${id}`));
    expect(screen.getByTestId('dial-input')).toHaveValue('933*0#');
  });

  it('accepts typed digits and drops other characters', async () => {
    const { user } = await renderApp();
    await user.type(screen.getByTestId('dial-input'), '+1 (555) 01a00');
    expect(screen.getByTestId('dial-input')).toHaveValue('+15550100');
  });

  it('types and erases from the keypad with the keyboard; the clear button empties the field', async () => {
    const { user } = await renderApp();
    const clear = screen.getByTestId('dial-clear');
    expect(clear).toBeDisabled();

    screen.getByTestId('keypad-1').focus();
    await user.keyboard('4155{Backspace}2#');
    expect(screen.getByTestId('dial-input')).toHaveValue('4152#');
    await user.keyboard('{Backspace}');
    expect(screen.getByTestId('dial-input')).toHaveValue('4152');

    expect(clear).toBeEnabled();
    await user.click(clear);
    expect(screen.getByTestId('dial-input')).toHaveValue('');
    expect(screen.getByTestId('dial-input')).toHaveFocus();
  });

  it('has a Call button that stays disabled until a number is typed', async () => {
    const { user } = await renderApp();
    const call = screen.getByRole('button', { name: /^call$/i });
    expect(call).toBeDisabled();
    await user.type(screen.getByTestId('dial-input'), '5');
    expect(call).toBeEnabled();
  });
});

describe('shortcut hint', () => {
  it('is visible on screen', async () => {
    await renderApp();
    const hint = screen.getByTestId('shortcut-hint');
    expect(hint).toHaveTextContent('Alt+1 Available');
    expect(hint).toHaveTextContent('Alt+4 Do Not Disturb');
  });
});
