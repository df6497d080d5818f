// A WebRTC SIP phone in a page, for the interop tests: JsSIP registers over
// WebSocket, places or answers one call, and measures what it hears. The test reads
// `window.peer.status()` through WebDriver; nothing here decides a test's outcome.
import JsSIP from 'jssip/lib/JsSIP';

const status = {
  registered: false,
  registrationError: null,
  call: 'idle', // idle | calling | ringing | connected | ended | failed
  cause: null,
  iceState: null,
  remoteSdp: null,
};

let ua = null;
let session = null;
let analyser = null;
let audioContext = null;

function media() {
  return { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } };
}

// The remote track goes to an <audio> element as well: Chromium feeds a remote
// WebRTC track to Web Audio only while it is also played.
function listen(connection) {
  connection.addEventListener('track', (event) => {
    const stream = event.streams[0] || new MediaStream([event.track]);
    const element = document.getElementById('remote');
    element.srcObject = stream;
    element.muted = true;
    element.play().catch(() => {});
    audioContext = new AudioContext({ sampleRate: 48000 });
    const source = audioContext.createMediaStreamSource(stream);
    analyser = audioContext.createAnalyser();
    analyser.fftSize = 8192;
    source.connect(analyser);
  });
  connection.addEventListener('iceconnectionstatechange', () => {
    status.iceState = connection.iceConnectionState;
  });
}

function follow(s) {
  session = s;
  status.iceState = null;
  status.remoteSdp = null;
  status.cause = null;
  analyser = null;
  s.on('progress', () => { status.call = s.direction === 'outgoing' ? 'calling' : 'ringing'; });
  s.on('confirmed', () => { status.call = 'connected'; });
  s.on('ended', (e) => { status.call = 'ended'; status.cause = e.cause; });
  s.on('failed', (e) => { status.call = 'failed'; status.cause = e.cause; });
  s.on('sdp', (e) => { if (e.originator === 'remote') status.remoteSdp = e.sdp; });
  if (s.connection) listen(s.connection);
  else s.on('peerconnection', (e) => listen(e.peerconnection));
}

window.peer = {
  start({ ws, uri, user, password }) {
    const socket = new JsSIP.WebSocketInterface(ws);
    ua = new JsSIP.UA({
      sockets: [socket],
      uri,
      authorization_user: user,
      password,
      register: true,
      register_expires: 300,
      session_timers: false,
    });
    ua.on('registered', () => { status.registered = true; });
    ua.on('registrationFailed', (e) => { status.registrationError = e.cause; });
    ua.on('newRTCSession', (e) => {
      if (e.originator === 'remote') {
        follow(e.session);
        status.call = 'ringing';
        e.session.answer(media());
      }
    });
    ua.start();
  },
  call(target) {
    status.call = 'calling';
    follow(ua.call(target, media()));
  },
  hangup() {
    if (session) session.terminate();
  },
  status() {
    return { ...status };
  },
  // The loudest frequency (Hz) in what the page hears, and its level (dBFS).
  peak() {
    if (!analyser) return null;
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let best = 0;
    for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
    return { hz: (best * audioContext.sampleRate) / analyser.fftSize, db: bins[best] };
  },
};
