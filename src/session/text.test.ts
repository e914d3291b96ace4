import { expect } from '@open-wc/testing';
import { cleanDisplayText } from './text.js';

describe('cleanDisplayText', () => {
  it('removes bidi controls, so a name or file name reads as it is spelled', () => {
    // With the override, this shows as "photoexe.jpg".
    expect(cleanDisplayText('photo\u202egpj.exe')).to.equal('photogpj.exe');
    for (const c of ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c']) {
      expect(cleanDisplayText(`a${c}b`), `U+${c.charCodeAt(0).toString(16)}`).to.equal('ab');
    }
  });

  it('removes zero-width and invisible characters, so two names that look alike are alike', () => {
    const invisible = ['\u200b', '\u200c', '\u200d', '\u2060', '\u2061', '\u2062', '\u2063', '\u2064', '\ufeff', '\u180e', '\u00ad', '\u034f', '\u3164', '\u115f', '\u1160', '\uffa0', '\u{e0001}', '\u{e0041}', '\u{e007f}'];
    for (const c of invisible) expect(cleanDisplayText(`Ad${c}a`), `U+${c.codePointAt(0)!.toString(16)}`).to.equal('Ada');
    expect(cleanDisplayText('\u200b\u200b')).to.equal('');
    expect(cleanDisplayText('\u3164')).to.equal('');
  });

  it('removes control characters and collapses white space', () => {
    expect(cleanDisplayText('  Ada\u0000\u0007\u009b\u007f  \n\t Lovelace\r\n')).to.equal('Ada Lovelace');
    expect(cleanDisplayText('a\u2028b\u2029c\u00a0d\u3000e\u2003f')).to.equal('a b c d e f');
    expect(cleanDisplayText('Ada\nLovelace\r\nthe\tfirst\u0085programmer')).to.equal('Ada Lovelace the first programmer');
    expect(cleanDisplayText('a \u200b b')).to.equal('a b');
  });

  it('keeps letters of every script, emoji and their sequences', () => {
    for (const s of ['Zoë', 'محمد', 'שלום', '李小龍', 'देवनागरी', '❤️', '👍🏽', '👩‍💻', '👨‍👩‍👧', '🏳️‍🌈']) expect(cleanDisplayText(s), s).to.equal(s);
  });

  it('drops a joiner or a variation selector that joins or selects nothing', () => {
    expect(cleanDisplayText('A\u200dB')).to.equal('AB');
    expect(cleanDisplayText('\ufe0fAda')).to.equal('Ada');
    expect(cleanDisplayText('Ada \ufe0f\ufe0e')).to.equal('Ada');
    expect(cleanDisplayText('❤\ufe0f\ufe0f\ufe0f')).to.equal('❤\ufe0f');
  });

  it('cuts to a length without splitting a character, and is idempotent', () => {
    expect(cleanDisplayText('abc😀', 4)).to.equal('abc');
    expect(cleanDisplayText('ab  cd', 3)).to.equal('ab');
    const messy = ' \u202eA\u200b  b\u0000\ufe0f👩\u200d💻\u2066 ';
    const once = cleanDisplayText(messy);
    expect(cleanDisplayText(once)).to.equal(once);
    expect(cleanDisplayText(42)).to.equal('');
    expect(cleanDisplayText(null)).to.equal('');
  });
});
