// Stands in for `peerjs-js-binarypack` and `@msgpack/msgpack` in our builds of PeerJS: we open
// every data connection with `serialization: 'raw'` and frame data ourselves, so PeerJS's
// binary and MessagePack serializers are never used (about 2 KB gzip).
const unused = () => {
  throw new Error("rtc-elements uses PeerJS's raw serialization only");
};
export const pack = unused;
export const unpack = unused;
export class Encoder {
  constructor() {
    unused();
  }
}
export const decodeMultiStream = unused;
