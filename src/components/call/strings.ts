/**
 * Every text `<rtc-call>` shows or reads out, in one place, so that a translation replaces one
 * object. Sentences that name someone or something are functions. Messages that come from the
 * session or media layers (errors) are theirs.
 */
export const strings = {
  region: (room: string) => (room ? `Video call: ${room}` : 'Video call'),
  inCall: (count: number) => `${count} in call`,
  joining: 'Joining…',
  youLeft: 'You left the call.',
  joined: (name: string) => `${name} joined`,
  left: (name: string) => `${name} left`,
  reconnected: 'Reconnected to the call server',
  lostServer: 'Lost the connection to the call server. The call goes on; reconnecting…',
  deviceStopped: (device: 'camera' | 'microphone') =>
    `Your ${device} stopped: it was unplugged or another program took it. Press ${device === 'camera' ? 'Turn camera on' : 'Unmute'} to try again.`,
  joinedWithout: ' You joined without camera and microphone: you can still see and hear the others.',
  joinedMicOnly: ' You joined with your microphone only.',
  dismiss: 'Dismiss',
  tryAgain: 'Try again',

  // The lobby.
  joinCall: 'Join call',
  joinAgain: 'Join again',
  checkDevices: 'Check camera and microphone',
  checkMicrophone: 'Check microphone',
  promptComing: 'Your browser will ask whether this page may use them.',
  promptComingAudio: 'Your browser will ask whether this page may use it.',
  starting: 'Starting your camera and microphone…',
  previewOff: 'Camera off',
  yourName: 'Your name',
  joinWithCamera: 'Camera on when I join',
  joinWithMic: 'Microphone on when I join',
  micLevel: 'Microphone level',
  lobbyHint: 'Nobody sees or hears you until you join.',

  // Alone in the call.
  firstHere: "You're the first one here",
  shareLink: 'Share the link of this page with the people you want to talk to.',
  copyLink: 'Copy link',
  copied: 'Link copied',
  copyFailed: (url: string) => `Could not copy. The link is ${url}`,

  // Controls: each label says what pressing the button will do.
  mute: 'Mute',
  unmute: 'Unmute',
  cameraOff: 'Turn camera off',
  cameraOn: 'Turn camera on',
  leave: 'Leave',
  shareScreen: 'Share screen',
  stopSharing: 'Stop sharing',
  screenOf: (name: string) => `${name}'s screen`,
  yourScreen: 'Your screen',
  screenShared: 'You are sharing your screen',
  screenStopped: 'You stopped sharing your screen',
  screenDenied: 'Screen sharing was not allowed, or the browser cannot share a screen here.',
  settings: 'Devices',
  speakerView: 'Speaker view',
  gridView: 'Grid view',
  fullscreen: 'Full screen',
  exitFullscreen: 'Exit full screen',
  controls: 'Call controls',
  microphone: 'Microphone',
  camera: 'Camera',
  speaker: 'Speaker',
  device: (label: string, index: number) => `${label} ${index}`,
  microphoneOn: 'Microphone on',
  microphoneOff: 'Microphone off',
  cameraIsOn: 'Camera on',
  cameraIsOff: 'Camera off',

  // Tiles.
  participants: 'Participants',
  you: 'You',
  youNamed: (name: string) => `${name} (you)`,
  reconnecting: 'Reconnecting…',
  muted: 'Microphone off',
  speaking: 'speaking',
  pin: (name: string) => `Pin ${name}`,
  unpin: (name: string) => `Unpin ${name}`,
  tileFullscreen: (name: string) => `Show ${name} full screen`,
  pictureInPicture: (name: string) => `Show ${name} in a floating window`,
  youreMuted: "You're muted. Press Unmute to be heard.",
  qualityGood: 'Good connection',
  qualityWeak: 'Weak connection',
  qualityBad: 'Bad connection',

  // Keyboard and screen readers.
  /** A button's tooltip with its keyboard shortcut. */
  withShortcut: (label: string, keys: string) => `${label} (${keys})`,
  /** How a device problem met in a call ends: what to press to try again. */
  pressAgain: (kind: 'audio' | 'video'): string => (kind === 'audio' ? 'press Unmute again' : 'press Turn camera on again'),
  pressBothAgain: 'press Unmute and Turn camera on again',
  /** What a burst of announcements read out as one leaves out. */
  more: (count: number) => `and ${count} more`,
  /** A chat message read out as it arrives. */
  messageFrom: (name: string, text: string) => `${name}: ${text}`,
};
