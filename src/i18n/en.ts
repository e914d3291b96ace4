import type { TransferReason } from '../chat/transfer.js';
import type { MediaProblem } from '../media/local-media.js';
import type { Format } from './format.js';

/** The device a media problem concerns. */
export type Device = MediaProblem['device'];

/** A size; under 1 kB with the short sign for bytes, which Intl does not have. */
const bytes = (f: Format, n: number) => (n < 1000 ? `${f.number(n)} B` : f.bytes(n));

/** A share of packets, to a tenth of a percent; a dash where the browser gave none. */
const share = (f: Format, n: number | null) => (n === null ? '–' : f.percent(n, 1));

/**
 * Every text `<rtc-call>` and `<rtc-chat>` show or read out, in English: the table the other
 * languages (de.ts, fr.ts) translate, typed by it (`Strings`), so that a missing key fails the
 * type check. Texts that name someone or count something are functions; `f` formats numbers,
 * sizes and plurals for the element's locale. English is part of the first load; the other
 * tables load when an element needs them.
 */
export const en = (f: Format) => ({
  // The call.
  region: (room: string) => (room ? `Video call: ${room}` : 'Video call'),
  inCall: (count: number) => f.plural(count, { other: '# in call' }),
  joining: 'Joining…',
  youLeft: 'You left the call.',
  joined: (name: string) => `${name} joined`,
  left: (name: string) => `${name} left`,
  reconnected: 'Reconnected to the call server',
  lostServer: 'Lost the connection to the call server. The call goes on; reconnecting…',
  deviceStopped: (device: 'camera' | 'microphone') =>
    `Your ${device} stopped: it was unplugged or another program took it. Press ${device === 'camera' ? 'Turn camera on' : 'Unmute'} to try again.`,
  devicePaused: (device: 'camera' | 'microphone') =>
    `Your ${device} is paused by your system or another program: the others ${device === 'camera' ? 'see your name' : 'cannot hear you'} until it is back.`,
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
  testSpeaker: 'Test speaker',
  yourName: 'Your name',
  joinWithCamera: 'Camera on when I join',
  joinWithMic: 'Microphone on when I join',
  micLevel: 'Microphone level',
  lobbyHint: 'Nobody sees or hears you until you join.',

  // Alone in the call.
  firstHere: "You're the first one here",
  /** Alone again: the others left, or their connections were lost. */
  onlyOneHere: "You're the only one here now",
  shareLink: 'Share the link of this page with the people you want to talk to.',
  copyLink: 'Copy link',
  copied: 'Link copied',
  copyFailed: (url: string) => `Could not copy. The link is ${url}`,

  // Controls: each label says what pressing the button will do.
  mute: 'Mute',
  unmute: 'Unmute',
  cameraOff: 'Turn camera off',
  cameraOn: 'Turn camera on',
  switchCamera: 'Switch camera',
  /** Why the microphone or camera button cannot be pressed. */
  noMicrophone: 'No microphone found: plug one in',
  noCamera: 'No camera found: plug one in',
  audioOnlyCall: 'This call is audio-only',
  leave: 'Leave',
  shareScreen: 'Share screen',
  stopSharing: 'Stop sharing',
  screenOf: (name: string) => `${name}'s screen`,
  yourScreen: 'Your screen',
  /** The sharer's own tile, instead of their whole screen (which would show itself over and over). */
  sharingWholeScreen: 'You are sharing your whole screen',
  sharingWholeScreenHint: 'Everyone in the call sees it. It is not shown here, where it would show itself over and over.',
  showScreenHere: 'Show it here',
  screenShared: 'You are sharing your screen',
  screenStopped: 'You stopped sharing your screen',
  sharesScreen: (name: string) => `${name} is sharing a screen`,
  stoppedSharing: (name: string) => `${name} stopped sharing a screen`,
  screenDenied: 'Screen sharing was not allowed, or the browser cannot share a screen here.',
  raiseHand: 'Raise hand',
  lowerHand: 'Lower hand',
  /** The sign on the tile of someone whose hand is raised. */
  handRaised: 'Hand raised',
  /** The sign's name while two or more hands are up: its place in the order they went up. */
  handRaisedPlace: (place: number) => `Hand raised, number ${f.number(place)}`,
  /** Someone's hand went up; `place` (while two or more are up) is its place in their order. */
  raisedHand: (name: string, place?: number) => `${name} raised their hand${place ? `, number ${f.number(place)}` : ''}`,
  youRaisedHand: 'You raised your hand',
  youLoweredHand: 'You lowered your hand',

  // Knocking (a room with `knock`): the newcomer waits until someone in the call lets them in.
  /** The newcomer's panel while it waits, read out with `letInSoon`. */
  askingToJoin: 'Asking to join…',
  letInSoon: 'Someone in the call will let you in.',
  /** The status line while waiting. */
  waitingToBeLetIn: 'Waiting to be let in',
  /** The chat's status line while its page waits. */
  chatWaiting: 'Waiting for someone in the room to let you in…',
  /** The name of the members' list of people asking to be let in, and its rows (a button's name begins with its words). */
  knockRequests: 'Asking to join',
  asksToJoin: (name: string) => `${name} asks to join`,
  letIn: 'Let in',
  turnAway: 'Turn away',
  letInNamed: (name: string) => `Let in ${name}`,
  turnAwayNamed: (name: string) => `Turn away ${name}`,
  /** Above the rows while two or more ask, with a button that lets them all in. */
  peopleAskToJoin: (count: number) => f.plural(count, { other: '# people ask to join' }),
  letEveryoneIn: 'Let everyone in',

  /** The bar's button that opens the reactions, and the panel's name. */
  react: 'React',
  reactions: 'Reactions',
  /** A reaction's name: its button's, and read out when someone sends it. */
  reaction: (emoji: string) => ({ '👍': 'Thumbs up', '👏': 'Applause', '😂': 'Laughter', '😮': 'Surprise', '❤️': 'Love', '🎉': 'Celebration' })[emoji] ?? emoji,
  reacted: (name: string, reaction: string) => `${name} reacted: ${reaction}`,
  youReacted: (reaction: string) => `You reacted: ${reaction}`,
  /** The control bar's button for the list of the call's people. */
  people: 'People',
  muteForYou: (name: string) => `Mute ${name} for you`,
  /** The control bar's button for the call's own chat; with messages that came while it was closed, how many. */
  chat: 'Chat',
  closeChat: 'Close chat',
  chatUnread: (count: number) => f.plural(count, { one: 'Chat, # new message', other: 'Chat, # new messages' }),
  settings: 'Devices',
  /** In Devices: unticked, the others' cameras stop coming, to save data. */
  othersVideo: "Show the others' video",
  /** The control bar's button for what does not fit in it (sharing, the hand, reactions, the people, devices, the view, full screen). */
  moreControls: 'More',
  speakerView: 'Speaker view',
  gridView: 'Grid view',
  fullscreen: 'Full screen',
  exitFullscreen: 'Exit full screen',
  controls: 'Call controls',
  microphone: 'Microphone',
  camera: 'Camera',
  speaker: 'Speaker',
  systemDefault: 'System default',
  device: (label: string, index: number) => `${label} ${f.number(index)}`,
  microphoneOn: 'Microphone on',
  microphoneOff: 'Microphone off',
  cameraIsOn: 'Camera on',
  cameraIsOff: 'Camera off',

  // Tiles.
  participants: 'Participants',
  you: 'You',
  /** The name others see for a visitor who gave none. */
  guest: 'Guest',
  youNamed: (name: string) => `${name} (you)`,
  reconnecting: 'Reconnecting…',
  reconnectingTo: (name: string) => `Reconnecting to ${name}…`,
  reconnectedTo: (name: string) => `Connection to ${name} restored`,
  muted: 'Microphone off',
  mutedForYou: 'Muted for you',
  /** On a tile while the visitor turned the others' cameras off (Devices, `no-incoming-video`). */
  videoOffForYou: 'Video off for you',
  speaking: 'speaking',
  pin: (name: string) => `Pin ${name}`,
  tileFullscreen: (name: string) => `Show ${name} full screen`,
  pictureInPicture: (name: string) => `Show ${name} in a floating window`,
  hideSelf: 'Hide self view (the others still see you)',
  moveSelf: 'Move self view to another corner',
  showSelf: 'Show self view',
  youreMuted: "You're muted. Press Unmute to be heard.",
  startPlayback: 'Play sound and video',
  playbackBlocked: "The browser holds back the others' sound and video until you press Play sound and video.",
  qualityGood: 'Good connection',
  qualityWeak: 'Weak connection',
  qualityBad: 'Bad connection',
  /** The button of a quality sign in the list of people, which shows the connection's figures below (`quality`: the sign's words). */
  connectionDetails: (quality: string, name: string) => `${quality} with ${name}: details`,
  /** The figures' names. */
  roundTrip: 'Round trip',
  jitter: 'Jitter',
  packetsLost: 'Packets lost',
  dataRate: 'Data',
  theirCamera: 'Their camera',
  route: 'Route',
  /** The figures: of what comes from them (in) and what goes to them (out); one the browser did not give is a dash. */
  milliseconds: (ms: number) => f.milliseconds(ms),
  lossInOut: (incoming: number | null, outgoing: number | null) => `${share(f, incoming)} in, ${share(f, outgoing)} out`,
  rateInOut: (incoming: number, outgoing: number) => `${f.bitrate(incoming)} in, ${f.bitrate(outgoing)} out`,
  cameraFigures: (width: number, height: number, fps: number | null) => `${f.number(width)} × ${f.number(height)}${fps === null ? '' : `, ${f.number(Math.round(fps))} fps`}`,
  routeDirect: 'Direct',
  routeRelayed: 'Through a relay server (TURN)',

  // Keyboard and screen readers.
  /** A button's tooltip with its keyboard shortcut. */
  withShortcut: (label: string, keys: string) => `${label} (${keys})`,
  /** How a device problem met in a call ends: what to press to try again. */
  pressAgain: (kind: 'audio' | 'video'): string => (kind === 'audio' ? 'press Unmute again' : 'press Turn camera on again'),
  pressBothAgain: 'press Unmute and Turn camera on again',
  /** How a device problem's message ends when a switch to another device failed and the one in use stays. */
  tryOnceMore: 'try again',
  /** What a burst of announcements read out as one leaves out. */
  more: (count: number) => `and ${f.number(count)} more`,
  /** A chat message read out as it arrives. */
  messageFrom: (name: string, text: string) => `${name}: ${text}`,
  fileFrom: (name: string, file: string, size: string) => `${name} is sending ${file} (${size})`,


  // The chat.
  chatRegion: (room: string) => (room ? `Chat: ${room}` : 'Chat'),
  peopleHere: (count: number) => f.plural(count, { one: '# person here', other: '# people here' }),
  onlyYou: 'Only you are here',
  /** In a private room, being alone may mean a typo: a wrong password finds a room of its own. */
  alonePrivate: 'Only you are here. Others need the same room name and password.',
  connecting: 'Connecting…',
  messages: 'Messages',
  message: 'Message',
  writeMessage: 'Write a message',
  attach: 'Attach',
  send: 'Send',
  cancel: 'Cancel',
  cancelFile: (name: string) => `Cancel ${name}`,
  newMessages: (count: number) => f.plural(count, { one: '# new message ↓', other: '# new messages ↓' }),
  /** Who is writing a message now: one or two names, or more. */
  typing: (names: readonly string[]) =>
    names.length > 2 ? 'Several people are typing…' : names.length > 1 ? `${names[0]} and ${names[1]} are typing…` : `${names[0]} is typing…`,
  isHere: (name: string) => `${name} is here`,
  renamed: (name: string, to: string) => `${name} is now ${to}`,
  leftLost: (name: string) => `${name} left (connection lost)`,
  relayedBy: (name: string) => `relayed by ${name}`,

  // File transfers.
  waitingToSend: 'Waiting to be sent…',
  waitingForAnswer: 'Waiting for an answer…',
  sendingFile: (fraction: number) => `Sending… ${f.percent(fraction)}`,
  receivingFile: (fraction: number) => `Receiving… ${f.percent(fraction)}`,
  canceledBy: (name: string) => `Canceled by ${name}`,
  receivedVerified: 'Received and verified',
  receivedReleased: 'Received; no longer kept',
  recipientState: (name: string, state: string) => `${name}: ${state}`,
  fileEnded: (reason: TransferReason) =>
    ({
      '': 'received',
      canceled: 'canceled',
      'canceled-there': 'canceled by the other side',
      declined: 'declined',
      'too-large': 'refused: too large',
      busy: 'refused: busy',
      left: 'left before the end',
      interrupted: 'connection interrupted',
      corrupt: 'damaged in transit, not offered',
      'no-answer': 'no answer',
      stalled: 'stalled: nothing arrived for 30 s',
      invalid: 'stopped: the sender sent invalid data',
      error: 'failed',
    } satisfies Record<TransferReason, string>)[reason],
  fileSize: (n: number) => bytes(f, n),
  time: (ms: number) => f.time(ms),

  // Errors, by type (the rtc-error event keeps the English message of the layer that found it).
  errorNetwork: 'Cannot reach the call server. Check the network connection and the server address, then try again.',
  errorConnectPolicy: "This page's Content-Security-Policy does not allow connecting to the call server (connect-src). Tell the site's owner.",
  errorLoad: 'Could not load the code for connecting from the server. Check the network connection and try again.',
  errorInvalidKey: 'The call server refused the key this site gave it.',
  errorServer: 'The call server reported an error. Try again later.',
  errorNoRelay: 'Could not get access to the relay server from the call server, and this page connects only through it: nobody can be reached. Try again later.',
  errorRelayRefused: "The relay server refused this page's access, and this page connects only through it: nobody can be reached. Tell the site's owner.",
  errorRelayNone: "The call server offers no relay server, and this page connects only through one: nobody can be reached. Tell the site's owner.",
  errorBrowser: 'This browser cannot make calls.',
  errorRoomFull: 'This room is full.',
  errorRoomUnreachable: 'Someone holds this room but has not let anyone in yet (they may be reconnecting, or use an older version). Still trying.',
  errorTurnedAway: 'Someone in the call turned you away.',
  errorNotLetIn: 'Nobody let you in. Try again later.',
  errorInsecure: 'Rooms with a password need a secure page (https:// or localhost).',
  errorEnded: 'The connection to the room has ended. Join again.',
  errorNotJoined: 'The chat has not joined the room yet.',
  errorNegotiation: 'Could not connect to someone in the room: a firewall between you blocks it.',
  errorProtocol: 'Ignored data from someone in the room that this page cannot use (another version, a wrong password or damaged data).',
  errorOtherVersion: (theirs: string, ours: string) =>
    `Someone using another version of rtc-elements (${theirs}; this page speaks ${ours}) tried to reach this room. Everyone must load the same version.`,
  errorDuplicateName: (name: string) => `Two people here are called ${name}: a mark beside the name (#1, #2) tells them apart.`,
  errorUnknown: 'Something went wrong.',
  // Configuration: the attribute and its value are the page's own.
  errorNoRoom: 'No room given: set the room attribute, for example room="team-standup".',
  errorRoom: (max: number) => `The room name must be 1 to ${f.number(max)} printable characters.`,
  errorServerUrl: (value: string) => `The server address "${value}" cannot be used: it must be an https:// or http:// URL without a password, query or fragment.`,
  errorKey: (key: string) => `The key "${key}" is not valid: use 1 to 64 letters, digits, "-" or "_".`,
  errorIceServers: 'ice-servers must be a JSON array of RTCIceServer objects with stun:, stuns:, turn: or turns: addresses.',
  errorPolicy: (value: string) => `ice-transport-policy must be "all" or "relay", not "${value}".`,
  errorMaxParticipants: (value: string) => `max-participants must be a whole number from 2 to 50 (or 0 for no limit), not "${value}".`,
  errorRange: (attribute: string, min: number, max: number, value: string) =>
    `${attribute} must be a whole number from ${f.number(min)} to ${f.number(max)}, not "${value}".`,
  errorConfig: (attribute: string) => `The ${attribute} attribute has a value that cannot be used.`,
  // Camera and microphone.
  /** How a device problem's message ends before joining (in a call: `pressAgain`). */
  joinAgainToTry: 'join again',
  mediaDenied: (device: Device, again: string) => `Access to the ${device} is blocked. Allow it in the browser's site settings (the icon left of the address) and ${again}.`,
  mediaDeniedFramed: (device: Device) =>
    `This call is part of another site, which does not let it use the ${device}. Only that site can change it: it must allow the camera and microphone for the embedded call (allow="camera; microphone" on its iframe).`,
  mediaMissing: (device: Device, again: string) => `No ${device} was found. Plug one in and ${again}.`,
  mediaInUse: (device: Device, again: string) => `The ${device} could not be started; another program may be using it. Close it and ${again}.`,
  mediaConstraints: (device: Device, _again: string) => `The ${device} cannot provide the requested format.`,
  mediaInsecure: 'This page cannot use a camera or microphone because it is not served over https://.',
  mediaFailed: (device: Device, _again: string) => `The ${device} could not be started.`,
  // The chat's own.
  errorEmpty: 'Nothing was sent: the message is empty.',
  errorTooLong: (max: number) => `Messages can have at most ${f.number(max)} characters.`,
  errorTooLongFrom: (max: number) => `Dropped a message over ${f.number(max)} characters from someone in the room.`,
  errorRate: (count: number) => f.plural(count, { one: 'Too fast: at most # message or file per 10 seconds. Wait a moment.', other: 'Too fast: at most # messages and files per 10 seconds. Wait a moment.' }),
  errorRateFrom: 'Someone in the room sends too much, too fast; some messages were dropped.',
  errorFilesNotAdded: (count: number, max: number) =>
    f.plural(count, {
      one: `# file was not added: at most ${f.number(max)} files can wait to be sent. Send it again when fewer are waiting.`,
      other: `# files were not added: at most ${f.number(max)} files can wait to be sent. Send them again when fewer are waiting.`,
    }),
  errorFilesOff: 'Sending files is switched off here.',
  errorFileTooLarge: (name: string, size: number, max: number) => `"${name}" is ${bytes(f, size)}; files can be at most ${bytes(f, max)}.`,
  errorFileTooLargeFrom: (max: number) => `Refused a file over the ${bytes(f, max)} limit.`,
  errorNobody: (name: string) => `Nobody here can receive "${name}" yet.`,
  errorFileFailed: "A file transfer failed; the file's line in the chat says why.",
  errorFileCorrupt: 'A file was damaged in transit and is not offered.',
});

/** A text's type, widened from English literals to any string. */
type Widen<T> = T extends string ? string : T extends (...args: infer A) => string ? (...args: A) => string : T;

/** The English table's shape: every translation has each of its keys, and nothing else. */
export type Strings = { [K in keyof ReturnType<typeof en>]: Widen<ReturnType<typeof en>[K]> };
