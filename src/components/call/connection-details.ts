import type { Strings } from '../../i18n/en.js';
import type { ConnectionStats } from '../../media/quality.js';
import type { CallKit } from './call-kit.js';

/**
 * The figures of the connection with one person, under their row in the list of people
 * (people-panel.ts), as Jitsi Meet's connection indicator shows them: the round trip, the jitter,
 * the packets lost each way, the data each way, their camera as it comes, and whether the
 * connection is direct or goes through a TURN relay (the way to see that a relay server works).
 * They are the figures the quality sign is judged by (media/quality.ts), and move with each poll;
 * one the browser did not give is left out.
 */
export function renderConnectionDetails({ kit: { html, nothing }, t }: { kit: Pick<CallKit, 'html' | 'nothing'>; t: Strings }, id: string, s: ConnectionStats) {
  const rows: [string, string][] = [];
  if (s.rtt !== null) rows.push([t.roundTrip, t.milliseconds(s.rtt)]);
  if (s.jitter !== null) rows.push([t.jitter, t.milliseconds(s.jitter)]);
  if (s.packetLoss !== null || s.packetLossOut !== null) rows.push([t.packetsLost, t.lossInOut(s.packetLoss, s.packetLossOut)]);
  if (s.bitrateIn !== null && s.bitrateOut !== null) rows.push([t.dataRate, t.rateInOut(s.bitrateIn, s.bitrateOut)]);
  if (s.frameWidth && s.frameHeight) rows.push([t.theirCamera, t.cameraFigures(s.frameWidth, s.frameHeight, s.frameRate)]);
  if (s.candidateType || s.remoteCandidateType) rows.push([t.route, s.candidateType === 'relay' || s.remoteCandidateType === 'relay' ? t.routeRelayed : t.routeDirect]);
  return rows.length
    ? html`<dl part="connection-details" class="connection-details" id=${`details-${id}`}>
        ${rows.map(([term, value]) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`)}
      </dl>`
    : nothing;
}
