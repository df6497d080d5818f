import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import AudioDevices from './lib/components/AudioDevices.svelte';
import { FakeBackend } from './lib/backend/fake';

function renderPanel(backend = new FakeBackend()): { backend: FakeBackend; unmount: () => void } {
  const { unmount } = render(AudioDevices, { props: { backend, onclose: () => undefined } });
  return { backend, unmount };
}

describe('device panel: level meter', () => {
  it('shows the microphone level with an accessible label', async () => {
    const backend = new FakeBackend();
    backend.level = { rmsDbfs: -18.2, peakDbfs: -12, live: true, devicesVersion: 0, notice: null };
    renderPanel(backend);
    const meter = await screen.findByRole('meter', { name: 'Microphone level' });
    expect(meter).toHaveAttribute('data-testid', 'audio-level-meter');
    await vi.waitFor(() => {
      expect(meter).toHaveAttribute('aria-valuenow', '-18');
    });
    expect(meter).toHaveAttribute('aria-valuetext', '-18 dB');
    expect(meter).toHaveAttribute('data-live', 'true');
  });

  it('says there is no signal while nothing is measured, and stops asking once closed', async () => {
    const { backend, unmount } = renderPanel();
    const meter = await screen.findByTestId('audio-level-meter');
    await vi.waitFor(() => {
      expect(backend.levelRequests).toBeGreaterThan(1);
    });
    expect(meter).toHaveAttribute('aria-valuetext', 'no signal');
    expect(meter).toHaveAttribute('aria-valuenow', '-60');
    unmount();
    const asked = backend.levelRequests;
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(backend.levelRequests).toBe(asked);
  });
});

describe('device panel: hot-plug', () => {
  it('updates the list and says which device went and what is used instead', async () => {
    const backend = new FakeBackend();
    backend.devices = { ...backend.devices, input: 'mic-2' };
    renderPanel(backend);
    const select = await screen.findByTestId('audio-input-select');
    expect(within(select).getByText('USB headset')).toBeInTheDocument();
    await vi.waitFor(() => {
      expect(backend.levelRequests).toBeGreaterThan(0);
    });

    backend.devices = {
      ...backend.devices,
      inputs: backend.devices.inputs.filter((d) => d.id !== 'mic-2'),
      input: null,
      notice: 'USB headset removed — using Default',
    };
    backend.level = { ...backend.level, devicesVersion: 1, notice: 'USB headset removed — using Default' };

    expect(await screen.findByTestId('audio-devices-notice')).toHaveTextContent('USB headset removed — using Default');
    await vi.waitFor(() => {
      expect(within(screen.getByTestId('audio-input-select')).queryByText('USB headset')).toBeNull();
    });
    expect(screen.getByTestId('audio-input-select')).toHaveValue('');
  });
});

describe('device panel: ringer', () => {
  it('offers the outputs as ringer and saves the choice with the others', async () => {
    const { backend } = renderPanel();
    const user = userEvent.setup();
    const ringer = await screen.findByTestId('audio-ringer-select');
    expect(screen.getByLabelText('Ringer')).toBe(ringer);
    expect(within(ringer).getByText('Desk speaker')).toBeInTheDocument();
    await user.selectOptions(ringer, 'bell-1');
    await user.click(screen.getByTestId('audio-devices-save'));
    expect(await screen.findByTestId('audio-devices-saved')).toBeVisible();
    expect(backend.devices.ringer).toBe('bell-1');
    expect(backend.devices.output).toBeNull();
  });
});
